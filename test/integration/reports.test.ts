import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { databases } from "../helpers/services.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { agentWithRole, type Caller } from "../helpers/agents.ts";
import { clientId, connectVisitor, text, type Visitor } from "./realtime-helpers.ts";
import { expectedCsv, expectedSummary, type Filter } from "./reports-expected.ts";

/**
 * Reports (CONTRACT §10): conversations seeded on a moved clock with known timings and ratings,
 * then every figure of GET /v1/reports/summary and its CSV checked against the same figures
 * computed independently from the raw rows (reports-expected.ts), in a time zone half an hour off
 * the hour, on SQLite and PostgreSQL.
 */
const TZ = "Asia/Kolkata"; // UTC+05:30: local midnight is 18:30 UTC
const FROM = "2026-11-24";
const TO = "2026-11-26";

for (const db of databases()) {
  describe.skipIf(!db.available)(`reports on ${db.name}`, () => {
    let s: TestServer;
    let clock = "2026-11-20T00:00:00.000Z";
    const at = (iso: string, plusSeconds = 0) => {
      clock = new Date(Date.parse(iso) + plusSeconds * 1000).toISOString();
    };
    const visitors: Visitor[] = [];
    let asha: { id: string; call: Caller };
    let bruno: { id: string; call: Caller };

    const start = async (iso: string, words = "Hello") => {
      at(iso);
      const v = await connectVisitor(s.url, { siteKey: s.siteKey });
      visitors.push(v);
      const ack = await v.call("send", { clientId: clientId(), message: text(words) });
      expect(ack.ok).toBe(true);
      return { v, id: ack.conversation.id as string, t0: iso };
    };
    const reply = async (who: Caller, id: string, t0: string, seconds: number) => {
      at(t0, seconds);
      expect((await who("POST", `/v1/conversations/${id}/messages`, { text: "On it" })).status).toBe(201);
    };
    const patch = async (id: string, t0: string, seconds: number, body: object) => {
      at(t0, seconds);
      const res = await s.api("PATCH", `/v1/conversations/${id}`, body);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    };
    const rate = async (v: Visitor, id: string, t0: string, seconds: number, score: number) => {
      at(t0, seconds);
      expect((await v.call("rate", { conversationId: id, score })).ok).toBe(true);
    };
    const caughtUp = () =>
      vi.waitFor(
        async () => {
          const d = s.parley.ctx.db;
          const max = await d
            .selectFrom("events")
            .select((eb) => eb.fn.max("position").as("m"))
            .executeTakeFirst();
          const c = await d
            .selectFrom("event_consumers")
            .select("position")
            .where("name", "=", "reports")
            .executeTakeFirst();
          expect(Number(c?.position)).toBe(Number(max?.m));
        },
        { timeout: 10_000, interval: 20 },
      );
    const summary = async (query: string, caller?: Caller) => {
      const path = `/v1/reports/summary?${query}`;
      const res = caller ? await caller("GET", path) : await s.api("GET", path);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body;
    };
    const period = (extra = "") => `from=${FROM}&to=${TO}&tz=${encodeURIComponent(TZ)}${extra}`;
    const expected = (filter?: Filter) => expectedSummary(s.parley.ctx.db, FROM, TO, TZ, filter);

    beforeAll(async () => {
      s = await startTestServer({ db: db.name, now: () => clock });
      const a = await agentWithRole(s, "agent");
      const b = await agentWithRole(s, "admin");
      await s.api("PATCH", `/v1/agents/${a.id}`, { name: "Asha" });
      await s.api("PATCH", `/v1/agents/${b.id}`, { name: "Bruno" });
      asha = a;
      bruno = b;

      // c1: starts a second before the period (local), solved inside it.
      const c1 = await start("2026-11-23T18:29:59.000Z");
      await reply(asha.call, c1.id, c1.t0, 61);
      await s.api("PUT", `/v1/conversations/${c1.id}/tags/billing`);
      await patch(c1.id, c1.t0, 1801, { status: "solved" });
      // c2: starts at local midnight; a bot answers first (not a first response), then Asha.
      const c2 = await start("2026-11-23T18:30:00.000Z");
      at(c2.t0, 10);
      await s.api("POST", `/v1/conversations/${c2.id}/messages`, { text: "A bot", sender: { type: "bot" } });
      await reply(asha.call, c2.id, c2.t0, 95.25);
      await patch(c2.id, c2.t0, 100, { assignee: asha.id, queue: "sales" });
      await patch(c2.id, c2.t0, 3600, { status: "solved" });
      await rate(c2.v, c2.id, c2.t0, 3700, 4);
      // c3: solved, rated 2, reopened by the visitor, solved again and rated 5: the 5 counts.
      const c3 = await start("2026-11-24T05:45:30.000Z");
      await reply(bruno.call, c3.id, c3.t0, 30.5);
      await reply(asha.call, c3.id, c3.t0, 40);
      await patch(c3.id, c3.t0, 50, { assignee: bruno.id });
      await s.api("PUT", `/v1/conversations/${c3.id}/tags/billing`);
      await patch(c3.id, c3.t0, 7200, { status: "solved" });
      await rate(c3.v, c3.id, c3.t0, 7300, 2);
      at(c3.t0, 8000);
      expect(
        (await c3.v.call("send", { clientId: clientId(), conversationId: c3.id, message: text("Again") })).ok,
      ).toBe(true);
      await reply(bruno.call, c3.id, c3.t0, 8100);
      const resolved = await patch(c3.id, c3.t0, 9000, { status: "solved" });
      expect(resolved.rating).toBeNull(); // asked again
      await rate(c3.v, c3.id, c3.t0, 9100, 5);
      // c4: no answer yet.
      await start("2026-11-25T20:10:00.000Z");
      // c5: started by the API with an agent's message (no contact message: no first response), closed.
      at("2026-11-26T10:00:00.000Z");
      const c5 = await s.api("POST", "/v1/conversations", {
        contact: { name: "Api" },
        message: { text: "We noticed your order" },
        assignee: bruno.id,
        queue: "sales",
      });
      expect(c5.status).toBe(201);
      await patch(c5.body.id, "2026-11-26T10:00:00.000Z", 600, { status: "solved" });
      await patch(c5.body.id, "2026-11-26T10:00:00.000Z", 660, { status: "closed" });
      // c6: a minute before local midnight at the end; solved then closed.
      const c6 = await start("2026-11-26T18:29:00.000Z");
      await reply(bruno.call, c6.id, c6.t0, 120);
      await patch(c6.id, c6.t0, 150, { status: "solved" });
      await patch(c6.id, c6.t0, 600, { status: "closed" });
      // c7: starts just after the period and is rated after it.
      const c7 = await start("2026-11-26T18:30:00.000Z");
      await reply(asha.call, c7.id, c7.t0, 5);
      await patch(c7.id, c7.t0, 60, { status: "solved" });
      await rate(c7.v, c7.id, c7.t0, 120, 1);
      // c8: assigned to Asha, answered in 45 s, solved and rated 3; c9–c11 spread the durations.
      const c8 = await start("2026-11-25T03:00:00.000Z");
      await patch(c8.id, c8.t0, 1, { assignee: asha.id });
      await reply(asha.call, c8.id, c8.t0, 45);
      await patch(c8.id, c8.t0, 600, { status: "solved" });
      await rate(c8.v, c8.id, c8.t0, 700, 3);
      for (const [i, t] of [
        "2026-11-24T12:00:00.000Z",
        "2026-11-25T12:07:00.000Z",
        "2026-11-26T01:01:01.001Z",
      ].entries()) {
        const c = await start(t);
        await reply(i % 2 ? asha.call : bruno.call, c.id, t, 300 * (i + 1) + 0.123);
        if (i < 2) await patch(c.id, t, 5000 * (i + 1), { status: "solved" });
      }
      // c12: assigned to Asha and solved before the period; inside it reopened twice, on two
      // local days, assigned to Bruno and then to Asha again, solved each time: one solve in the
      // period's totals and in each agent's row, one on each of the two days.
      const c12 = await start("2026-11-23T08:00:00.000Z");
      await patch(c12.id, c12.t0, 30, { assignee: asha.id });
      await patch(c12.id, c12.t0, 600, { status: "solved" });
      for (const [t, assignee] of [
        ["2026-11-24T09:00:00.000Z", bruno.id],
        ["2026-11-25T09:00:00.000Z", asha.id],
      ] as const) {
        at(t);
        const ack = await c12.v.call("send", { clientId: clientId(), conversationId: c12.id, message: text("Again") });
        expect(ack.ok).toBe(true);
        await patch(c12.id, t, 60, { assignee });
        await patch(c12.id, t, 120, { status: "solved" });
      }
      await caughtUp();
    }, 60_000);
    afterAll(async () => {
      for (const v of visitors) v.close();
      await s?.close();
    });

    it("answers every figure as computed from the raw rows, in a half-hour time zone", async () => {
      const got = await summary(period());
      const want = await expected();
      expect(got).toEqual(want);
      // What the seeding meant, spelled out once.
      expect(got.conversations.started).toBe(9); // c2–c6, c8 and three more; not c1 or c7
      expect(got.satisfaction).toEqual({
        count: 3,
        average: 4,
        distribution: { "1": 0, "2": 0, "3": 1, "4": 1, "5": 1 },
      });
      expect(got.perDay.map((d: any) => d.date)).toEqual(["2026-11-24", "2026-11-25", "2026-11-26"]);
      expect(got.byHour).toHaveLength(168);
    });

    it("answers every figure over a period in which the zone's offset changes", async () => {
      // Stockholm leaves summer time on 25 October: the days before count at +02:00, after at +01:00.
      const tz = "Europe/Stockholm";
      const got = await summary(`from=2026-10-01&to=2026-11-30&tz=${encodeURIComponent(tz)}`);
      expect(got).toEqual(await expectedSummary(s.parley.ctx.db, "2026-10-01", "2026-11-30", tz));
      expect(got.conversations.started).toBe(12);
    });

    it("gives perDay as CSV, the same figures", async () => {
      const res = await fetch(`${s.url}/v1/reports/summary.csv?${period()}`, {
        headers: { authorization: `Bearer ${s.token}` },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
      expect(await res.text()).toBe(expectedCsv((await expected()).perDay));
    });

    it("filters by queue, tag and assignee", async () => {
      for (const [query, filter] of [
        ["&queue=sales", { queue: "sales" }],
        ["&tag=billing", { tag: "billing" }],
        [`&assignee=${asha.id}`, { assignee: asha.id }],
        ["&assignee=none", { assignee: "none" }],
      ] as const)
        expect(await summary(period(query)), query).toEqual(await expected(filter));
    });

    it("shows an agent the team's totals and only its own row", async () => {
      const all = await summary(period());
      const own = await summary(period(), asha.call);
      expect(own.agents).toEqual(all.agents.filter((a: any) => a.agentId === asha.id));
      expect({ ...own, agents: [] }).toEqual({ ...all, agents: [] });
      expect((await summary(period(), bruno.call)).agents).toEqual(all.agents); // an admin sees everyone
    });

    it("answers zeros and nulls for a period with nothing in it", async () => {
      const got = await summary("from=2025-01-01&to=2025-01-02&tz=Australia%2FAdelaide");
      expect(got.conversations).toEqual({ started: 0, solved: 0, closed: 0 });
      expect(got.firstResponseSeconds).toEqual({ median: null, p90: null });
      expect(got.resolutionSeconds).toEqual({ median: null, p90: null });
      expect(got.satisfaction).toEqual({
        count: 0,
        average: null,
        distribution: { "1": 0, "2": 0, "3": 0, "4": 0, "5": 0 },
      });
      expect(got.perDay).toEqual([
        { date: "2025-01-01", started: 0, solved: 0, medianFirstResponseSeconds: null },
        { date: "2025-01-02", started: 0, solved: 0, medianFirstResponseSeconds: null },
      ]);
      expect(got.byHour.every((c: any) => c.started === 0)).toBe(true);
      expect(got.agents.every((a: any) => a.assigned === 0 && a.satisfactionAverage === null)).toBe(true);
    });

    it("refuses bad input with 422 validation_failed", async () => {
      for (const query of [
        "",
        "from=2026-11-01",
        "from=2026-11-31&to=2026-12-01",
        "from=2026-11-02&to=2026-11-01",
        "from=2025-01-01&to=2026-01-02",
        "from=2026-11-01&to=2026-11-02&tz=Mars%2FOlympus",
        "from=26-11-01&to=2026-11-02",
        "from=2026-11-01&to=2026-11-02&assignee=nobody",
        "from=2026-11-01&to=2026-11-02&colour=red",
      ]) {
        const res = await s.api("GET", `/v1/reports/summary?${query}`);
        expect(res.status, query).toBe(422);
        expect(res.body.error.code).toBe("validation_failed");
      }
    });
  });
}
