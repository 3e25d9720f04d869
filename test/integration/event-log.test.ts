import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConfig } from "../../server/config.ts";
import { write } from "../../server/domain/context.ts";
import { durableEventTypes } from "../../server/events/bus.ts";
import type { LoggedEvent } from "../../server/events/log.ts";
import { databases, services } from "../helpers/services.ts";
import { freshDatabaseUrl, startTestServer, type TestServer } from "../helpers/server.ts";

/** Collects what a consumer committed; `until` resolves once `check` holds (or fails after 20 s). */
function collector() {
  const got: LoggedEvent[] = [];
  const waiters = new Set<() => void>();
  return {
    got,
    afterCommit(events: LoggedEvent[]) {
      got.push(...events);
      for (const w of waiters) w();
    },
    until(check: (got: LoggedEvent[]) => boolean, what: string): Promise<void> {
      if (check(got)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`never got ${what}; got ${got.map((e) => e.type).join(", ")}`));
        }, 20_000);
        const waiter = () => {
          if (!check(got)) return;
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve();
        };
        waiters.add(waiter);
      });
    },
  };
}

async function storedEvents(server: TestServer) {
  const rows = await server.parley.store.db.selectFrom("events").selectAll().orderBy("position").execute();
  return rows.map((r) => ({ ...r, position: Number(r.position) }));
}

async function conversation(server: TestServer, text: string, contact?: { name: string; email: string }) {
  const res = await server.api("POST", "/v1/conversations", { topic: "log", message: { text }, contact });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as { id: string; contact: { id: string } | null };
}

describe("event retention setting", () => {
  it("defaults to 400 days and refuses less than the longest report period (366 days)", () => {
    expect(readConfig({}).eventRetentionDays).toBe(400);
    expect(readConfig({ PARLEY_EVENT_RETENTION_DAYS: "366" }).eventRetentionDays).toBe(366);
    expect(() => readConfig({ PARLEY_EVENT_RETENTION_DAYS: "365" })).toThrow(/PARLEY_EVENT_RETENTION_DAYS.*366/);
    expect(() => readConfig({ PARLEY_EVENT_RETENTION_DAYS: "a year" })).toThrow(/PARLEY_EVENT_RETENTION_DAYS/);
  });
});

for (const db of databases()) {
  describe.skipIf(!db.available)(`event log on ${db.name}`, () => {
    let server: TestServer;

    beforeAll(async () => {
      server = await startTestServer({ db: db.name });
    });
    afterAll(async () => {
      await server?.close();
    });

    it("appends every durable event with the change, in increasing positions, and no live-only ones", async () => {
      const before = (await storedEvents(server)).length;
      const conv = await conversation(server, "hello log");
      const reply = await server.api("POST", `/v1/conversations/${conv.id}/messages`, { text: "second" });
      expect(reply.status).toBe(201);
      const after = await storedEvents(server);
      const mine = after.slice(before);
      expect(mine.map((e) => e.type)).toEqual(
        expect.arrayContaining(["conversation.created", "message.created", "message.created"]),
      );
      for (const e of mine) expect(durableEventTypes).toContain(e.type);
      const positions = after.map((e) => e.position);
      expect(positions).toEqual([...new Set(positions)].sort((a, b) => a - b));
      const created = mine.filter((e) => e.type === "message.created" && e.subject === conv.id);
      expect(created).toHaveLength(2);
      expect(created[0]!.data).toContain("hello log");
      expect(created[1]!.data).toContain("second");
    });

    it("leaves no event when the write rolls back, even after the log was written in it", async () => {
      const before = await storedEvents(server);
      let failing = true;
      // A hook that runs after the log's append, in the same transaction, and fails it.
      server.parley.ctx.bus.addTransactionHook(async () => {
        if (failing) throw new Error("the write fails after its events were appended");
      });
      const siteId = server.parley.boot.siteId;
      await expect(
        write(server.parley.ctx, async (_trx, emit) =>
          emit({ type: "contact.deleted", siteId, contactId: "ct_gone", visitorIds: [], conversationIds: [] }),
        ),
      ).rejects.toThrow(/after its events were appended/);
      expect(await storedEvents(server)).toEqual(before);
      failing = false;
      await write(server.parley.ctx, async (_trx, emit) =>
        emit({ type: "contact.deleted", siteId, contactId: "ct_x", visitorIds: [], conversationIds: [] }),
      );
      expect((await storedEvents(server)).slice(before.length).map((e) => e.subject)).toEqual(["ct_x"]);
    });

    it("lets two consumers progress independently: one failing does not hold back the other", async () => {
      const fast = collector();
      const slow = collector();
      let slowFails = true;
      server.parley.eventLog.consume({ name: "test-fast", from: "start", handle: async () => {}, ...fast });
      server.parley.eventLog.consume({
        name: "test-slow",
        from: "start",
        handle: async () => {
          if (slowFails) throw new Error("not yet");
        },
        afterCommit: slow.afterCommit,
      });
      const conv = await conversation(server, "two readers");
      await fast.until((got) => got.some((e) => e.subject === conv.id), "the conversation on the fast consumer");
      expect(slow.got).toEqual([]);
      const positions = await server.parley.store.db.selectFrom("event_consumers").selectAll().execute();
      const at = Object.fromEntries(positions.map((r) => [r.name, Number(r.position)]));
      expect(at["test-fast"]).toBe(Math.max(...fast.got.map((e) => e.position)));
      expect(at["test-slow"]).toBe(0);

      slowFails = false;
      server.parley.eventLog.wake();
      await slow.until((got) => got.some((e) => e.subject === conv.id), "the conversation on the slow consumer");
      // The slow one got everything from the start, once and in order, like the fast one.
      expect(slow.got.map((e) => e.id)).toEqual(fast.got.map((e) => e.id).slice(0, slow.got.length));
      expect(slow.got.map((e) => e.position)).toEqual([...slow.got.map((e) => e.position)].sort((a, b) => a - b));
    });

    it("prunes events older than the retention period", async () => {
      const old = await conversation(server, "long ago");
      const recent = await conversation(server, "just now");
      const longAgo = new Date(Date.now() - 401 * 86_400_000).toISOString();
      await server.parley.store.db
        .updateTable("events")
        .set({ created_at: longAgo })
        .where("subject", "=", old.id)
        .execute();
      expect(await server.parley.eventLog.prune()).toBeGreaterThan(0);
      const left = await storedEvents(server);
      expect(left.filter((e) => e.subject === old.id)).toEqual([]);
      expect(left.filter((e) => e.subject === recent.id).length).toBeGreaterThan(0);
    });

    it("forgets an erased contact's events and keeps everyone else's", async () => {
      const ann = await conversation(server, "ann's secret 8817", { name: "Ann Log", email: "ann.log@example.com" });
      const bob = await conversation(server, "bob's words 2231", { name: "Bob Log", email: "bob.log@example.com" });
      expect((await storedEvents(server)).some((e) => e.data.includes("8817"))).toBe(true);
      expect((await server.api("DELETE", `/v1/contacts/${ann.contact!.id}`)).status).toBe(204);
      const left = await storedEvents(server);
      expect(left.filter((e) => e.data.includes("8817") || e.data.includes("ann.log@example.com"))).toEqual([]);
      expect(left.filter((e) => e.subject === ann.id)).toEqual([]);
      expect(left.filter((e) => e.subject === bob.id).length).toBeGreaterThan(0);
      // What remains of Ann is that she was erased: ids only.
      const told = left.filter((e) => e.subject === ann.contact!.id);
      expect(told.map((e) => e.type)).toEqual(["contact.deleted"]);
      expect(JSON.parse(told[0]!.data)).toEqual({ siteId: server.parley.boot.siteId, contactId: ann.contact!.id });
    });
  });

  describe.skipIf(!db.available)(`event log consumers across a restart on ${db.name}`, () => {
    let database: Awaited<ReturnType<typeof freshDatabaseUrl>>;
    beforeAll(async () => {
      database = await freshDatabaseUrl(db.name);
    });
    afterAll(async () => {
      await database?.drop();
    });

    it("resumes a consumer from its stored position: nothing again, nothing missed", async () => {
      const first = await startTestServer({ databaseUrl: database.url });
      const before = collector();
      first.parley.eventLog.consume({ name: "test-resume", from: "start", handle: async () => {}, ...before });
      const one = await conversation(first, "before the restart");
      await before.until((got) => got.some((e) => e.subject === one.id), "the first conversation");
      await first.close();

      const second = await startTestServer({ databaseUrl: database.url });
      try {
        const after = collector();
        second.parley.eventLog.consume({ name: "test-resume", from: "start", handle: async () => {}, ...after });
        const two = await conversation(second, "after the restart");
        await after.until((got) => got.some((e) => e.subject === two.id && e.type === "message.created"), "more");
        expect(after.got.filter((e) => e.subject === one.id)).toEqual([]);
        expect(Math.min(...after.got.map((e) => e.position))).toBeGreaterThan(
          Math.max(...before.got.map((e) => e.position)),
        );
        // A consumer seen for the first time can start from the beginning.
        const fresh = collector();
        second.parley.eventLog.consume({ name: "test-new", from: "start", handle: async () => {}, ...fresh });
        await fresh.until((got) => got.some((e) => e.subject === two.id && e.type === "message.created"), "all");
        expect(fresh.got.some((e) => e.subject === one.id)).toBe(true);
      } finally {
        await second.close();
      }
    });
  });
}

/**
 * PostgreSQL hands out positions from a sequence, and transactions commit in any order: the one
 * that took position n can commit after the one that took n + 1. The log must not skip n.
 */
describe.skipIf(!services.postgresUrl)("event log on PostgreSQL with a write that commits late", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ db: "postgres" });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("delivers the late event to consumers, before the one that committed first", async () => {
    let hold: { reached: () => void; release: Promise<void> } | null = null;
    // Runs after the log's append hook: holds the first write open with its position taken.
    server.parley.ctx.bus.addTransactionHook(async () => {
      const h = hold;
      hold = null;
      if (h) {
        h.reached();
        await h.release;
      }
    });
    const got = collector();
    server.parley.eventLog.consume({ name: "test-late", from: "start", handle: async () => {}, ...got });

    let release!: () => void;
    let reached!: () => void;
    const isHeld = new Promise<void>((r) => (reached = r));
    hold = { reached, release: new Promise<void>((r) => (release = r)) };
    const late = conversation(server, "committed late");
    await isHeld;
    const pending = conversation(server, "committed early");
    // Give a reader that ignored the late write the chance to read past it. (While a reader waits
    // for the late write, the early one may wait behind that reader: so this is not awaited alone.)
    await Promise.race([
      pending.then((c) => got.until((g) => g.some((e) => e.subject === c.id), "the early write")),
      new Promise((r) => setTimeout(r, 500)),
    ]).catch(() => {});
    release();
    const [lateConv, early] = await Promise.all([late, pending]);
    await got.until(
      (g) => g.some((e) => e.subject === lateConv.id) && g.some((e) => e.subject === early.id),
      "both writes",
    );
    const order = got.got.map((e) => e.subject);
    expect(order.indexOf(lateConv.id)).toBeLessThan(order.indexOf(early.id));
  });
});

// Two nodes sharing a consumer: test/integration/webhooks-nodes.test.ts runs the webhook consumer on two
// real node processes (never two servers in one process) and checks each event is delivered once, in order.
