import crypto from "node:crypto";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPresence, type Presence, type PresenceChange } from "../../server/realtime/presence.ts";
import { connectRedis, type RedisConnection } from "../../server/realtime/index.ts";
import { services } from "../helpers/services.ts";

const stores = [
  { name: "memory", available: true },
  { name: "redis", available: !!services.redisUrl },
];

describe.each(stores)("agent presence in $name", ({ name, available }) => {
  describe.skipIf(!available)("", () => {
    let redis: RedisConnection | null = null;
    const open: Presence[] = [];
    beforeAll(async () => {
      if (name === "redis") redis = await connectRedis(services.redisUrl!, pino({ level: "silent" }));
    });
    afterAll(async () => {
      open.forEach((p) => p.close());
      await redis?.close();
    });
    const presence = (opts = {}) => {
      const p = createPresence(redis, { graceMs: 40, ttlMs: 300, ...opts });
      open.push(p);
      return p;
    };
    const agent = () => `ag_${crypto.randomBytes(6).toString("hex")}`;
    const changesOf = (p: Presence, agentId: string) => {
      const seen: boolean[] = [];
      p.onChange((c: PresenceChange) => c.agentId === agentId && seen.push(c.connected));
      return seen;
    };
    it("an agent is online from its first inbox and offline once the last has been gone for the grace period", async () => {
      const p = presence();
      const a = agent();
      const seen = changesOf(p, a);
      await p.add(a, "s1");
      await p.add(a, "s2");
      expect(seen).toEqual([true]);
      await p.remove(a, "s1");
      await p.settled();
      expect(await p.connected([a])).toEqual(new Set([a]));
      await p.remove(a, "s2");
      expect(await p.connected([a])).toEqual(new Set([a])); // within grace
      await p.settled();
      expect(seen).toEqual([true, false]);
      expect(await p.connected([a])).toEqual(new Set());
    });

    it("a reload within the grace period is not a sign-out", async () => {
      const p = presence();
      const a = agent();
      const seen = changesOf(p, a);
      await p.add(a, "before-reload");
      await p.remove(a, "before-reload");
      await p.add(a, "after-reload");
      await p.settled();
      expect(seen).toEqual([true]);
      expect(await p.connected([a])).toEqual(new Set([a]));
    });

    it("agents who never connected are not online", async () => {
      expect(await presence().connected([agent(), agent()])).toEqual(new Set());
    });
  });
});

describe.skipIf(!services.redisUrl)("agent presence across nodes", () => {
  it("an inbox on a node that stops beating expires, and another node announces the agent offline", async () => {
    const log = pino({ level: "silent" });
    const [r1, r2] = await Promise.all([connectRedis(services.redisUrl!, log), connectRedis(services.redisUrl!, log)]);
    const dying = createPresence(r1, { graceMs: 40, ttlMs: 150 });
    const survivor = createPresence(r2, { graceMs: 40, ttlMs: 150 });
    try {
      const a = `ag_${crypto.randomBytes(6).toString("hex")}`;
      await dying.add(a, "s-on-dying-node");
      expect(await survivor.connected([a])).toEqual(new Set([a]));
      const offline = new Promise<void>((resolve) =>
        survivor.onChange((c) => c.agentId === a && !c.connected && resolve()),
      );
      dying.close(); // its heartbeat stops, as when the process dies
      await offline;
      expect(await survivor.connected([a])).toEqual(new Set());
    } finally {
      dying.close();
      survivor.close();
      await Promise.all([r1.close(), r2.close()]);
    }
  });
});
