/**
 * Which agents have an inbox connected (CONTRACT §8 `availability`), across nodes. Every node
 * records its inbox sockets; an agent is connected while any node holds one of theirs, and goes
 * offline only after `graceMs` without one (a reload is not a sign-out). With Redis the record
 * is a sorted set per agent whose entries each node keeps alive with a heartbeat, so a node
 * that dies takes its sockets with it within `ttlMs`; without Redis it is a map in this process.
 * `onChange` hears each agent going online or offline (at least once per change; listeners treat
 * a repeat as a no-op).
 */
import type { RedisConnection } from "./index.ts";

export type PresenceChange = { agentId: string; connected: boolean };

export interface PresenceOptions {
  graceMs?: number;
  ttlMs?: number;
  now?: () => number;
}

export interface Presence {
  add(agentId: string, socketId: string): Promise<void>;
  remove(agentId: string, socketId: string): Promise<void>;
  /** The agents among `agentIds` with a live inbox or still within their grace period. */
  connected(agentIds: string[]): Promise<Set<string>>;
  onChange(listener: (change: PresenceChange) => void): void;
  /** Resolves when every grace period started so far has ended and been settled. */
  settled(): Promise<void>;
  close(): void;
}

interface Backend {
  put(agentId: string, socketId: string, until: number): Promise<void>;
  drop(agentId: string, socketId: string): Promise<void>;
  /** Live entries of an agent at `now` (expired ones are pruned). */
  live(agentId: string, now: number): Promise<number>;
  /** Marks the agent's announced state; true if it changed (so exactly one node announces it). */
  mark(agentId: string, connected: boolean): Promise<boolean>;
  /** Agents last announced as connected. */
  marked(): Promise<string[]>;
}

function memoryBackend(): Backend {
  const entries = new Map<string, Map<string, number>>();
  const state = new Set<string>();
  return {
    put: async (a, s, until) => void (entries.get(a) ?? entries.set(a, new Map()).get(a)!).set(s, until),
    drop: async (a, s) => void entries.get(a)?.delete(s),
    live: async (a, now) => [...(entries.get(a)?.values() ?? [])].filter((until) => until > now).length,
    mark: async (a, on) => (on ? !state.has(a) && !!state.add(a) : state.delete(a)),
    marked: async () => [...state],
  };
}

function redisBackend(redis: RedisConnection): Backend {
  const key = (agentId: string) => `parley:presence:${agentId}`;
  const stateKey = "parley:presence:online";
  return {
    put: async (a, s, until) => {
      await redis.pub.zAdd(key(a), { score: until, value: s });
    },
    drop: async (a, s) => {
      await redis.pub.zRem(key(a), s);
    },
    live: async (a, now) => {
      await redis.pub.zRemRangeByScore(key(a), "-inf", now);
      return redis.pub.zCard(key(a));
    },
    mark: async (a, on) => (on ? await redis.pub.sAdd(stateKey, a) : await redis.pub.sRem(stateKey, a)) === 1,
    marked: () => redis.pub.sMembers(stateKey),
  };
}

export function createPresence(redis: RedisConnection | null | undefined, opts: PresenceOptions = {}): Presence {
  const graceMs = opts.graceMs ?? 30_000;
  const ttlMs = opts.ttlMs ?? 45_000;
  const now = opts.now ?? Date.now;
  const backend = redis ? redisBackend(redis) : memoryBackend();
  const local = new Map<string, string>(); // socketId → agentId, this node's inboxes
  const lastSeen = new Map<string, number>(); // agentId → when its last socket here left
  const listeners: ((c: PresenceChange) => void)[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const pending = new Set<Promise<void>>();
  const announce = (change: PresenceChange) => listeners.forEach((l) => l(change));

  const settle = async (agentId: string) => {
    const live = (await backend.live(agentId, now())) > 0;
    const left = lastSeen.get(agentId);
    if (!live && left !== undefined && now() - left < graceMs) return; // still in grace here
    if (!live) lastSeen.delete(agentId);
    if (await backend.mark(agentId, live)) announce({ agentId, connected: live });
  };
  const later = (ms: number, fn: () => Promise<void>) => {
    const done = new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        timers.delete(t);
        fn()
          .catch(() => {})
          .finally(resolve);
      }, ms);
      t.unref?.();
      timers.add(t);
    });
    pending.add(done);
    void done.then(() => pending.delete(done));
  };
  // Heartbeat: keep this node's entries alive, and settle agents whose node went away.
  const beat = setInterval(
    () => {
      const until = now() + ttlMs;
      void Promise.all([...local].map(([s, a]) => backend.put(a, s, until)))
        .then(() => backend.marked())
        .then((agents) => Promise.all(agents.map(settle)))
        .catch(() => {});
    },
    Math.max(10, Math.floor(ttlMs / 3)),
  );
  beat.unref?.();

  return {
    async add(agentId, socketId) {
      local.set(socketId, agentId);
      lastSeen.delete(agentId);
      await backend.put(agentId, socketId, now() + ttlMs);
      await settle(agentId);
    },
    async remove(agentId, socketId) {
      local.delete(socketId);
      await backend.drop(agentId, socketId);
      lastSeen.set(agentId, now());
      later(graceMs, () => settle(agentId));
    },
    async connected(agentIds) {
      const t = now();
      const found = new Set<string>();
      const marked = new Set(await backend.marked());
      for (const id of agentIds) if ((await backend.live(id, t)) > 0 || marked.has(id)) found.add(id);
      return found;
    },
    onChange: (listener) => void listeners.push(listener),
    settled: async () => {
      while (pending.size) await Promise.all(pending);
    },
    close() {
      clearInterval(beat);
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
