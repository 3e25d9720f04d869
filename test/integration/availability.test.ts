import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io, type Socket } from "socket.io-client";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { startNodes, type Nodes, type ParleyNode } from "../helpers/nodes.ts";
import { databases, services } from "../helpers/services.ts";
import { agentWithRole, signedIn, type Caller } from "../helpers/agents.ts";
import { connectVisitor, type Visitor } from "./realtime-helpers.ts";

/** CONTRACT §8: site availability settings, agent availability from the inbox's socket, the widget told live. */
function inboxSocket(server: ParleyNode, call: Caller): Socket {
  return io(`${server.url}/agent`, {
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
    extraHeaders: { cookie: call.headers.cookie! },
  });
}

/** The site config the visitor heard last (welcome or a later `site` event). */
function lastSite(v: Visitor) {
  const updates = v.events("site");
  return updates.length ? updates[updates.length - 1].site : v.welcome.site;
}

async function heardAvailable(v: Visitor, available: boolean): Promise<void> {
  const from = v.events("site").length;
  if (lastSite(v).available === available) return;
  await new Promise<void>((resolve) => {
    const check = () =>
      v
        .events("site")
        .slice(from)
        .some((e) => e.site.available === available)
        ? resolve()
        : undefined;
    v.socket.on("site", () => setTimeout(check, 0));
  });
  expect(lastSite(v).available).toBe(available);
}

const CLOSED_ALL_WEEK = { timezone: "Europe/Stockholm", hours: {} };

describe.each(databases())("availability on $name", ({ name, available }) => {
  describe.skipIf(!available)("", () => {
    let s: TestServer;
    let owner: Caller;
    let siteId: string;
    const sockets: Socket[] = [];
    const visitors: Visitor[] = [];
    beforeAll(async () => {
      s = await startTestServer({ db: name, env: { PARLEY_PRESENCE_GRACE_MS: "1000" } });
      owner = await signedIn(s, "admin@localhost", s.adminPassword);
      siteId = s.parley.boot.siteId;
    });
    afterAll(async () => {
      for (const x of sockets) x.disconnect();
      for (const v of visitors) v.close();
      await s?.close();
    });

    it("site settings: validated (422 with each bad field, nothing changed), stored and returned", async () => {
      const before = (await s.api("GET", `/v1/sites/${siteId}`)).body;
      expect(before).toMatchObject({ businessHours: null, awayMessage: null, replyTime: "minutes" });
      expect(before.assignment).toEqual({ mode: "manual", maxOpen: 5 });
      const bad = [
        { businessHours: { timezone: "Mars/Olympus", hours: {} } },
        { businessHours: { timezone: "Europe/Stockholm", hours: { mon: [["09:00", "25:00"]] } } },
        { businessHours: { timezone: "Europe/Stockholm", hours: { mon: [["12:00", "09:00"]] } } },
        {
          businessHours: {
            timezone: "Europe/Stockholm",
            hours: {
              tue: [
                ["09:00", "12:00"],
                ["11:00", "13:00"],
              ],
            },
          },
        },
        { businessHours: { timezone: "Europe/Stockholm", hours: { funday: [] } } },
        { replyTime: "weeks" },
        { assignment: { mode: "whoever", maxOpen: 5 } },
        { assignment: { mode: "round_robin", maxOpen: 0 } },
        { awayMessage: 42 },
      ];
      for (const body of bad) {
        const res = await s.api("PATCH", `/v1/sites/${siteId}`, body);
        expect(res.status, JSON.stringify(body)).toBe(422);
        expect(res.body.error.code).toBe("validation_failed");
        expect(res.body.error.details[0].path).toMatch(new RegExp(`^${Object.keys(body)[0]}`));
      }
      expect((await s.api("GET", `/v1/sites/${siteId}`)).body).toEqual(before);

      const hours = {
        timezone: "America/New_York",
        hours: {
          mon: [
            ["09:00", "12:00"],
            ["13:00", "17:00"],
          ],
          sat: [],
        },
      };
      const patched = await s.api("PATCH", `/v1/sites/${siteId}`, {
        businessHours: hours,
        awayMessage: "Back at nine.",
        replyTime: "hours",
        assignment: { mode: "round_robin", maxOpen: 3 },
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ businessHours: hours, awayMessage: "Back at nine.", replyTime: "hours" });
      expect((await s.api("GET", `/v1/sites/${siteId}`)).body.assignment).toEqual({ mode: "round_robin", maxOpen: 3 });
      const reset = await s.api("PATCH", `/v1/sites/${siteId}`, {
        businessHours: null,
        replyTime: "minutes",
        assignment: { mode: "manual", maxOpen: 5 },
      });
      expect(reset.body).toMatchObject({ businessHours: null, awayMessage: "Back at nine.", replyTime: "minutes" });
    });

    it("agents: away for oneself or by a manager, queues by managers only; validated", async () => {
      const agent = await agentWithRole(s, "agent");
      const other = await agentWithRole(s, "agent");
      const mine = await agent.call("PATCH", `/v1/agents/${agent.id}`, { away: true });
      expect(mine.status).toBe(200);
      expect(mine.body).toMatchObject({ id: agent.id, queues: [] });
      expect(["away", "offline"]).toContain(mine.body.availability);
      expect((await agent.call("PATCH", `/v1/agents/${other.id}`, { away: true })).status).toBe(403);
      expect((await agent.call("PATCH", `/v1/agents/${agent.id}`, { queues: ["billing"] })).status).toBe(403);
      const bad = await owner("PATCH", `/v1/agents/${agent.id}`, { queues: "billing" });
      expect(bad.status).toBe(422);
      expect(bad.body.error.details[0].path).toBe("queues");
      expect((await owner("PATCH", `/v1/agents/${agent.id}`, { away: "yes" })).status).toBe(422);
      const set = await owner("PATCH", `/v1/agents/${agent.id}`, { queues: ["billing", "sales"], away: false });
      expect(set.status).toBe(200);
      expect(set.body.queues).toEqual(["billing", "sales"]);
      expect((await s.api("GET", `/v1/agents/${agent.id}`)).body.queues).toEqual(["billing", "sales"]);
      await owner("PATCH", `/v1/agents/${agent.id}`, { active: false });
      await owner("PATCH", `/v1/agents/${other.id}`, { active: false });
    });

    it("an inbox signing in makes the site available; away and signing out (after the grace) make it away", async () => {
      const me = (await owner("GET", "/v1/inbox/session")).body.agent.id as string;
      const visitor = await connectVisitor(s.url, { siteKey: s.siteKey });
      visitors.push(visitor);
      expect(visitor.welcome.site).toMatchObject({
        available: false,
        awayMessage: "Back at nine.",
        replyTime: "minutes",
      });
      expect((await s.api("GET", `/v1/agents/${me}`)).body.availability).toBe("offline");

      const inbox = inboxSocket(s, owner);
      sockets.push(inbox);
      const online = new Promise<any>((resolve) =>
        inbox.on("agent.updated", (e) => e.agent.id === me && e.agent.availability === "online" && resolve(e.agent)),
      );
      await heardAvailable(visitor, true);
      expect((await s.api("GET", `/v1/agents/${me}`)).body.availability).toBe("online");
      const config = await fetch(`${s.url}/v1/widget/config?siteKey=${s.siteKey}`);
      expect((await config.json()).available).toBe(true);
      // A widget that connects now is told at once.
      const late = await connectVisitor(s.url, { siteKey: s.siteKey });
      visitors.push(late);
      expect(late.welcome.site.available).toBe(true);

      // Away: the inbox hears it, the widget flips.
      const away = new Promise<any>((resolve) =>
        inbox.on("agent.updated", (e) => e.agent.id === me && e.agent.availability === "away" && resolve(e.agent)),
      );
      expect((await owner("PATCH", `/v1/agents/${me}`, { away: true })).body.availability).toBe("away");
      await away;
      await heardAvailable(visitor, false);
      await owner("PATCH", `/v1/agents/${me}`, { away: false });
      await heardAvailable(visitor, true);
      await online;

      // Outside business hours: away although someone is online.
      await s.api("PATCH", `/v1/sites/${siteId}`, { businessHours: CLOSED_ALL_WEEK });
      await heardAvailable(visitor, false);
      expect(lastSite(visitor).available).toBe(false);
      await s.api("PATCH", `/v1/sites/${siteId}`, { businessHours: null });
      await heardAvailable(visitor, true);

      // Signing out: offline only once the grace has passed.
      const offline = new Promise<void>((resolve) =>
        late.socket.on("site", (e) => e.site.available === false && resolve()),
      );
      inbox.disconnect();
      expect((await s.api("GET", `/v1/agents/${me}`)).body.availability).toBe("online");
      await offline;
      await heardAvailable(visitor, false);
      expect((await s.api("GET", `/v1/agents/${me}`)).body.availability).toBe("offline");
    });
  });
});

describe.each(databases())("business hours on $name", ({ name, available }) => {
  describe.skipIf(!available)("", () => {
    let s: TestServer;
    const open: { close(): void }[] = [];
    /** The server's clock runs `offset` ms ahead of the real one: a boundary can be made to come soon. */
    let offset = 0;
    beforeAll(async () => {
      s = await startTestServer({ db: name, now: () => new Date(Date.now() + offset).toISOString() });
    });
    afterAll(async () => {
      for (const x of open) x.close();
      await s?.close();
    });

    it("flips the widget to away at the closing time, on the site's clock, with nobody doing anything", async () => {
      const owner = await signedIn(s, "admin@localhost", s.adminPassword);
      const inbox = inboxSocket(s, owner);
      open.push({ close: () => inbox.disconnect() });
      const visitor = await connectVisitor(s.url, { siteKey: s.siteKey });
      open.push(visitor);
      await heardAvailable(visitor, true);

      // Closing time: the next whole minute (not midnight) at least a minute ahead; the server's
      // clock is set to 2 s before it, and the site is open all that day until then.
      let closing = Math.ceil((Date.now() + 60_000) / 60_000) * 60_000;
      if (new Date(closing).getUTCHours() === 0 && new Date(closing).getUTCMinutes() === 0) closing += 60_000;
      offset = closing - 2_000 - Date.now();
      const at = new Date(closing);
      const clock = `${String(at.getUTCHours()).padStart(2, "0")}:${String(at.getUTCMinutes()).padStart(2, "0")}`;
      const day = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"][at.getUTCDay()]!;
      const patched = await s.api("PATCH", `/v1/sites/${s.parley.boot.siteId}`, {
        businessHours: { timezone: "UTC", hours: { [day]: [["00:00", clock]] } },
      });
      expect(patched.status).toBe(200);
      expect(lastSite(visitor).available).toBe(true);

      const flipped = new Promise<number>((resolve) =>
        visitor.socket.on("site", (e) => e.site.available === false && resolve(Date.now() + offset)),
      );
      const heardAt = await flipped;
      expect(heardAt).toBeGreaterThanOrEqual(closing);
      expect(lastSite(visitor).available).toBe(false);
    });
  });
});

describe.skipIf(!services.postgresUrl || !services.redisUrl)(
  "availability across two node processes joined by Redis",
  () => {
    let deployment: Nodes | undefined;
    afterAll(async () => {
      await deployment?.close();
    });

    it("an inbox on one node makes the site available to a widget on the other, and its sign-out makes it away", async () => {
      deployment = await startNodes(2, { env: { PARLEY_PRESENCE_GRACE_MS: "500" } });
      const [first, second] = deployment.nodes;
      if (!first || !second) throw new Error("two nodes were asked for");
      const visitor = await connectVisitor(first.url, { siteKey: first.siteKey });
      expect(visitor.welcome.site.available).toBe(false);
      const owner = await signedIn(second, "admin@localhost", first.adminPassword);
      const me = (await owner("GET", "/v1/inbox/session")).body.agent.id as string;
      const inbox = inboxSocket(second, owner);
      await heardAvailable(visitor, true);
      expect((await first.api("GET", `/v1/agents/${me}`)).body.availability).toBe("online");
      inbox.disconnect();
      await heardAvailable(visitor, false);
      expect((await first.api("GET", `/v1/agents/${me}`)).body.availability).toBe("offline");
      visitor.close();
    });
  },
);
