import { afterEach, describe, expect, it, vi } from "vitest";
import { ChaosProxy, type Pair } from "../helpers/chaos-proxy.ts";
import { ChaosVisitor } from "../helpers/chaos-visitor.ts";
import { ChaosAgent } from "../helpers/chaos-agent.ts";
import { allConversations, allHistories, startCluster, type Cluster } from "../helpers/chaos-cluster.ts";
import { nodesAvailable } from "../helpers/nodes.ts";
import { startReceiver, type Receiver } from "./webhooks-receiver.ts";

/**
 * Chaos: 200 visitors (the widget's own session code) and 5 agents (REST with idempotent
 * retries) chat through a proxy that cuts, stalls, delays and half-kills their connections and
 * takes visitors offline, while relay processes are SIGKILLed and started again twice. Then the
 * network heals and the test checks the promises: nothing acknowledged or typed is lost or
 * doubled, every widget shows its whole conversation once in seq order and told the page of each
 * agent message once, and every webhook event arrived with one id.
 */

const VISITORS = 200;
const AGENTS = 5;
const CHAOS_MS = Number(process.env.CHAOS_MS ?? 25_000);
const env = {
  // Half-dead connections are dropped within 10 s (the default is 20 s), so the run converges sooner.
  PARLEY_PING_INTERVAL_MS: "5000",
  PARLEY_PING_TIMEOUT_MS: "5000",
  PARLEY_WEBHOOK_ALLOW_PRIVATE: "1",
  PARLEY_WEBHOOK_TIMEOUT_MS: "2000",
  PARLEY_WEBHOOK_BACKOFF_MS: "200",
};

const pick = <T>(list: T[]): T | undefined => list[Math.floor(Math.random() * list.length)];
const between = (a: number, b: number) => a + Math.random() * (b - a);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One random fault in the network, every tick. */
function misbehave(proxy: ChaosProxy) {
  const pairs = proxy.pairs();
  const some = (n: number) => Array.from({ length: n }, () => pick(pairs)).filter((p): p is Pair => !!p);
  const roll = Math.random();
  if (roll < 0.25) for (const p of some(3)) p.cut();
  else if (roll < 0.5) for (const p of some(3)) p.stall(between(300, 3000), pick([["up"], ["down"], ["up", "down"]]));
  else if (roll < 0.7) for (const p of some(4)) p.delay(between(20, 400));
  else if (roll < 0.75) pick(pairs)?.drop(Math.random() < 0.5 ? "up" : "down");
  else pick(proxy.entrances)?.blackout(between(1000, 5000));
}

const topologies = [
  { name: "SQLite, one node", kind: "sqlite" as const, available: true, crashes: [0, 0] },
  { name: "PostgreSQL + Redis, two nodes", kind: "postgres" as const, available: nodesAvailable, crashes: [0, 1] },
];

for (const t of topologies) {
  describe.skipIf(!t.available)(`chaos, ${t.name}`, () => {
    const cleanup: (() => Promise<void> | void)[] = [];
    afterEach(async () => {
      for (const fn of cleanup.splice(0).reverse()) await fn();
    });

    it("loses nothing, doubles nothing, and tells every widget everything once, in order", async () => {
      const t0 = Date.now();
      const phases: string[] = [];
      let last = t0;
      const phase = (name: string) => {
        phases.push(`${name} ${((Date.now() - last) / 1000).toFixed(1)} s`);
        last = Date.now();
      };
      const cluster: Cluster = await startCluster(t.kind, env);
      cleanup.push(() => cluster.close());
      phase("nodes");
      // The receiver fails one delivery in ten: those events come again, with the same id.
      const receiver: Receiver = await startReceiver(() => (Math.random() < 0.1 ? 503 : 200));
      cleanup.push(() => receiver.close());
      const node = () => cluster.nodes[0]!;
      const hook = await node().api("POST", "/v1/webhooks", {
        url: receiver.url,
        events: ["conversation.created", "message.created"],
      });
      expect(hook.status).toBe(201);

      const proxy = new ChaosProxy(cluster.nodes.map((n) => n.port));
      cleanup.push(() => proxy.close());
      const visitors: ChaosVisitor[] = [];
      for (let i = 0; i < VISITORS; i++) {
        const { url } = await proxy.entrance();
        visitors.push(new ChaosVisitor(`v${i}`, url, node().siteKey));
      }
      cleanup.push(() => visitors.forEach((v) => v.close()));
      const agents: ChaosAgent[] = await Promise.all(
        Array.from({ length: AGENTS }, async (_, i) => {
          const { url } = await proxy.entrance();
          return ChaosAgent.create(node().url, cluster.token, url, `Agent${i}`);
        }),
      );

      phase("clients");
      let counter = 0;
      for (const v of visitors) {
        v.connect();
        v.type(`${v.name} hello ${counter++}`);
      }

      const start = Date.now();
      const chaosEnds = start + CHAOS_MS;
      // Chaos goes on until CHAOS_MS have passed and the last restarted node has served for a while.
      let crashesDone = false;
      const running = () => Date.now() < chaosEnds || !crashesDone;
      // A reply waits as long as the chaos lasts (a starved or restarting relay is slow, not wrong);
      // once the network is healed, it must be acknowledged within a minute.
      let healedAt = Infinity;
      const givesUp = () => Date.now() > healedAt + 60_000;
      const agentLoops = agents.map(async (agent) => {
        while (running()) {
          const conversationId = pick(visitors)?.session.conversationId.value;
          if (!conversationId) {
            await sleep(50);
            continue;
          }
          if (Math.random() < 0.3) await agent.typing(conversationId);
          await agent.reply(conversationId, `${agent.name} says ${counter++}`, givesUp);
          await sleep(between(100, 400));
        }
      });
      const visitorLoop = (async () => {
        while (running()) {
          const v = pick(visitors)!;
          v.type(`${v.name} typed ${counter++}`);
          await sleep(between(40, 120));
        }
      })();
      const chaosLoop = (async () => {
        while (running()) {
          misbehave(proxy);
          await sleep(250);
        }
      })();
      const crashes = (async () => {
        let servedSince = start;
        for (const [n, i] of t.crashes.entries()) {
          // Each crash comes at its time in the run, and never before the node restarted last served 5 s.
          await sleep(Math.max(start + CHAOS_MS * (0.3 + 0.35 * n), servedSince + 5000) - Date.now());
          const crashAt = Date.now();
          const { oldPort, newPort } = await cluster.crash(i);
          phases.push(`restart ${((Date.now() - crashAt) / 1000).toFixed(1)} s`);
          proxy.replaceTarget(oldPort, newPort);
          servedSince = Date.now();
        }
        await sleep(servedSince + 5000 - Date.now());
        crashesDone = true;
      })();
      // CHAOS_TRACE=1 prints the widgets' connection states and the proxied connections every 2 s.
      const probe = process.env.CHAOS_TRACE
        ? setInterval(() => {
            const states = new Map<string, number>();
            for (const v of visitors)
              states.set(v.session.connection.value, (states.get(v.session.connection.value) ?? 0) + 1);
            console.log(
              `${Math.round((Date.now() - start) / 1000)} s`,
              Object.fromEntries(states),
              proxy.pairs().length,
            );
          }, 2000)
        : undefined;
      cleanup.push(() => clearInterval(probe));
      await Promise.all([visitorLoop, chaosLoop, crashes]);
      phase("chaos");
      proxy.heal();
      healedAt = Date.now();
      await Promise.all(agentLoops);
      phase("agents");

      // The network is healthy again: every widget empties its outbox and catches up.
      await vi.waitFor(() => expect(visitors.filter((v) => v.unsent() > 0).map((v) => v.name)).toEqual([]), {
        timeout: 60_000,
        interval: 250,
      });
      phase("outboxes");
      const conversations = await allConversations(node());
      const stored = await allHistories(node(), conversations);
      const messages = [...stored.values()].flat();

      // Every message typed, offline ones included, and every reply acknowledged, exists exactly once.
      const occurrences = new Map<string, number>();
      for (const m of messages) {
        const text = m.content.text as string;
        occurrences.set(text, (occurrences.get(text) ?? 0) + 1);
      }
      const typedTexts = [
        ...visitors.flatMap((v) => v.typed.map((x) => x.text)),
        ...agents.flatMap((a) => a.typed.map((x) => x.text)),
      ];
      const lost = typedTexts.filter((x) => !occurrences.has(x));
      const duplicates = [...occurrences].filter(([, n]) => n > 1).map(([x]) => x);
      expect(lost).toEqual([]);
      expect(duplicates).toEqual([]);
      expect(messages).toHaveLength(typedTexts.length);
      const ackedIds = new Set(agents.flatMap((a) => [...a.acked.values()]));
      expect(ackedIds.size).toBe(agents.reduce((n, a) => n + a.typed.length, 0));
      for (const id of ackedIds) expect(messages.filter((m) => m.id === id)).toHaveLength(1);
      // One conversation per visitor: retries and failovers started no second one.
      expect(conversations).toHaveLength(VISITORS);

      phase("read");
      // Every open widget shows its whole conversation once, in seq order, and told the page of each agent message once.
      await vi.waitFor(
        () => {
          for (const v of visitors) {
            const id = v.session.conversationId.value!;
            expect({ v: v.name, shown: v.shown().map((m) => m.id) }).toEqual({
              v: v.name,
              shown: stored.get(id)!.map((m) => m.id),
            });
          }
        },
        { timeout: 45_000, interval: 500 },
      );
      phase("shown");
      let delivered = 0;
      for (const v of visitors) {
        const fromAgents = stored.get(v.session.conversationId.value!)!.filter((m) => m.sender.type === "agent");
        // Told in the order the conversation holds them, each once.
        expect(v.told.map((m) => m.id)).toEqual(fromAgents.map((m) => m.id));
        delivered += v.told.length;
      }

      // Every event reached the webhook, each with one id however often it was delivered.
      const subjectOf = (r: Receiver["received"][number]) =>
        `${r.body.type}:${r.body.type === "message.created" ? r.body.data.message.id : r.body.data.conversation.id}`;
      await receiver.waitFor(
        () => new Set(receiver.acked().map(subjectOf)).size >= messages.length + conversations.length,
        "every event delivered",
      );
      phase("webhooks");
      const ids = new Map<string, Set<string>>();
      for (const r of receiver.received) ids.set(subjectOf(r), (ids.get(subjectOf(r)) ?? new Set()).add(r.body.id));
      expect([...ids].filter(([, s]) => s.size !== 1)).toEqual([]);
      for (const m of messages) expect(ids.has(`message.created:${m.id}`)).toBe(true);

      // The nodes still drain and stop cleanly (nothing thrown out of them while they close).
      const exits = cluster.nodes.map((n) => n.exited);
      for (const v of visitors) v.close();
      // The clients are gone: so are their connections, half-dead ones included, which would
      // otherwise hold each node's drain until its deadline.
      await proxy.close();
      await cluster.close();
      phase("close");
      expect(await Promise.all(exits)).toEqual(cluster.nodes.map(() => ({ code: 0, signal: null })));

      const offline = visitors.reduce((n, v) => n + v.typed.filter((x) => x.offline).length, 0);
      const visitorTyped = visitors.reduce((n, v) => n + v.typed.length, 0);
      console.log(
        `chaos, ${t.name}: sent ${typedTexts.length} (visitors ${visitorTyped}, ${offline} of them offline; ` +
          `agents ${typedTexts.length - visitorTyped}, ${agents.reduce((n, a) => n + a.retries, 0)} retried), ` +
          `acknowledged ${messages.length}, delivered to widgets ${delivered}, ` +
          `webhook deliveries ${receiver.received.length} for ${ids.size} events, ` +
          `duplicates ${duplicates.length}, lost ${lost.length}, in ${Math.round((Date.now() - start) / 1000)} s` +
          ` (${Math.round((Date.now() - t0) / 1000)} s in all: ${phases.join(", ")})`,
      );
    }, 240_000);
  });
}
