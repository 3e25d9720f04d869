import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Socket } from "socket.io-client";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { databases } from "../helpers/services.ts";
import { agentWithRole, signedIn, type Caller } from "../helpers/agents.ts";
import { assignment, inboxOnline, roundRobinSite, visitorStarts } from "./assignment-helpers.ts";

/** CONTRACT §8 round-robin: balanced, capped, queues, ties, waiting conversations, manual mode untouched. */
describe.each(databases())("round-robin assignment on $name", ({ name, available }) => {
  describe.skipIf(!available)("", () => {
    let s: TestServer;
    let owner: Caller;
    let sockets: Socket[] = [];
    let agents: string[] = [];
    beforeAll(async () => {
      s = await startTestServer({ db: name, env: { PARLEY_PRESENCE_GRACE_MS: "200" } });
      owner = await signedIn(s, "admin@localhost", s.adminPassword);
    });
    afterEach(async () => {
      // Each test's agents leave the team, so the next test starts with nobody online.
      for (const x of sockets) x.disconnect();
      for (const id of agents) await owner("PATCH", `/v1/agents/${id}`, { active: false });
      sockets = [];
      agents = [];
    });
    afterAll(async () => {
      await s?.close();
    });

    /** A new agent with its inbox connected (online), in id order so ties are predictable. */
    async function onlineAgent(queues?: string[]) {
      const agent = await agentWithRole(s, "agent");
      agents.push(agent.id);
      if (queues) await owner("PATCH", `/v1/agents/${agent.id}`, { queues });
      sockets.push(await inboxOnline(s, agent.call, agent.id));
      return agent;
    }
    const openCount = async (siteId: string, agentId: string) =>
      (await s.api("GET", `/v1/conversations?siteId=${siteId}&assignee=${agentId}&status=open&limit=100`)).body.items
        .length;
    const assigneeOf = async (id: string) => (await s.api("GET", `/v1/conversations/${id}`)).body.assignee;

    it("balances by the fewest open conversations, never past maxOpen; the rest wait, and one is taken when capacity frees, oldest first", async () => {
      const siteId = await roundRobinSite(s, 2);
      const a = await onlineAgent();
      const b = await onlineAgent();
      const started = [];
      for (let i = 0; i < 6; i++) started.push(await visitorStarts(s, siteId, `visitor ${i}`));
      const given = started.slice(0, 4).map((c) => c.assignee);
      expect(given.filter((x) => x === a.id)).toHaveLength(2);
      expect(given.filter((x) => x === b.id)).toHaveLength(2);
      // Balanced as they came: never two in a row for the same agent while the other had fewer.
      expect(given[0]).not.toBe(given[1]);
      expect(given[2]).not.toBe(given[3]);
      expect(started[4]!.assignee).toBeNull();
      expect(started[5]!.assignee).toBeNull();
      expect(await openCount(siteId, a.id)).toBe(2);
      expect(await openCount(siteId, b.id)).toBe(2);

      // a solves one: the oldest waiting conversation (the fifth) goes to a, the sixth still waits.
      const mine = started.slice(0, 4).find((c) => c.assignee === a.id)!;
      const taken = assignment(sockets[0]!, started[4]!.id);
      expect((await a.call("PATCH", `/v1/conversations/${mine.id}`, { status: "solved" })).status).toBe(200);
      expect(await taken).toBe(a.id);
      expect(await assigneeOf(started[5]!.id)).toBeNull();

      // b's conversation reassigned to a by hand (a is now over the limit by a person's choice): b has room, takes the sixth.
      const bs = started.slice(0, 4).find((c) => c.assignee === b.id)!;
      const sixth = assignment(sockets[0]!, started[5]!.id);
      expect((await owner("PATCH", `/v1/conversations/${bs.id}`, { assignee: a.id })).status).toBe(200);
      expect(await sixth).toBe(b.id);
    });

    it("ties go to the agent assigned least recently", async () => {
      const siteId = await roundRobinSite(s, 5);
      const a = await onlineAgent();
      const b = await onlineAgent();
      const first = await visitorStarts(s, siteId, "first");
      const firstTaker = first.assignee!;
      expect([a.id, b.id]).toContain(firstTaker);
      // Solved: both have no open conversation again; the other one was assigned less recently.
      expect((await s.api("PATCH", `/v1/conversations/${first.id}`, { status: "solved" })).status).toBe(200);
      const second = await visitorStarts(s, siteId, "second");
      expect(second.assignee).toBe(firstTaker === a.id ? b.id : a.id);
      const third = await visitorStarts(s, siteId, "third");
      expect(third.assignee).toBe(firstTaker);
    });

    it("honours queues: an agent with queues takes only those, one without takes all", async () => {
      const siteId = await roundRobinSite(s, 5);
      const billing = await onlineAgent(["billing"]);
      const sales = await onlineAgent(["sales"]);
      expect((await visitorStarts(s, siteId, "b1", "billing")).assignee).toBe(billing.id);
      expect((await visitorStarts(s, siteId, "s1", "sales")).assignee).toBe(sales.id);
      expect((await visitorStarts(s, siteId, "b2", "billing")).assignee).toBe(billing.id);
      // Nobody takes every queue: a conversation without one waits, as does one in a queue nobody takes.
      const none = await visitorStarts(s, siteId, "n1");
      const support = await visitorStarts(s, siteId, "x1", "support");
      expect(none.assignee).toBeNull();
      expect(support.assignee).toBeNull();
      // Those two waiting do not hold up a younger conversation someone can take.
      expect((await visitorStarts(s, siteId, "b3", "billing")).assignee).toBe(billing.id);
      // An agent who takes all comes online: both waiting ones go to it, oldest first.
      const watching = sockets[0]!;
      const noneTaken = assignment(watching, none.id);
      const supportTaken = assignment(watching, support.id);
      const all = await onlineAgent([]);
      expect(await noneTaken).toBe(all.id);
      expect(await supportTaken).toBe(all.id);
    });

    it("a waiting conversation is assigned when an agent comes online or stops being away, oldest first", async () => {
      const siteId = await roundRobinSite(s, 1);
      const watcher = await onlineAgent();
      // The watcher goes away: it hears everything but takes nothing.
      expect((await watcher.call("PATCH", `/v1/agents/${watcher.id}`, { away: true })).status).toBe(200);
      const older = await visitorStarts(s, siteId, "older");
      const newer = await visitorStarts(s, siteId, "newer");
      expect(older.assignee).toBeNull();
      expect(newer.assignee).toBeNull();

      const olderTaken = assignment(sockets[0]!, older.id);
      const b = await onlineAgent();
      expect(await olderTaken).toBe(b.id);
      expect(await assigneeOf(newer.id)).toBeNull(); // b is at maxOpen 1

      const newerTaken = assignment(sockets[0]!, newer.id);
      expect((await watcher.call("PATCH", `/v1/agents/${watcher.id}`, { away: false })).status).toBe(200);
      expect(await newerTaken).toBe(watcher.id);
    });

    it("route unassigns and hands the conversation out again", async () => {
      const siteId = await roundRobinSite(s, 5);
      const a = await onlineAgent();
      const started = await visitorStarts(s, siteId, "routed");
      expect(started.assignee).toBe(a.id);
      const b = await onlineAgent();
      const routed = await s.api("POST", `/v1/conversations/${started.id}/route`);
      expect(routed.status).toBe(200);
      expect(routed.body).toMatchObject({ status: "open", assignee: b.id }); // b has fewer open
    });

    it("manual mode: nothing is assigned, whoever is online", async () => {
      const site = await s.api("POST", "/v1/sites", { name: "Manual", assignment: { mode: "manual", maxOpen: 5 } });
      await onlineAgent();
      const started = await visitorStarts(s, site.body.id, "manual");
      expect(started.assignee).toBeNull();
      await onlineAgent();
      expect(await assigneeOf(started.id)).toBeNull();
      // Switching to round-robin hands it out.
      const taken = assignment(sockets[0]!, started.id);
      await s.api("PATCH", `/v1/sites/${site.body.id}`, { assignment: { mode: "round_robin", maxOpen: 5 } });
      expect(agents).toContain(await taken);
    });
  });
});
