import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io, type Socket } from "socket.io-client";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { databases } from "../helpers/services.ts";
import { agentWithRole, signedIn, type Caller } from "../helpers/agents.ts";

/** GET/PATCH /v1/agents/{id}: roles, self-service, deactivation and the last owner (CONTRACT §7). */
describe.each(databases())("agents and roles on $name", ({ name, available }) => {
  describe.skipIf(!available)("", () => {
    let s: TestServer;
    let owner: Caller;
    let ownerId: string;
    beforeAll(async () => {
      s = await startTestServer({ db: name });
      owner = await signedIn(s, "admin@localhost", s.adminPassword);
      ownerId = (await owner("GET", "/v1/inbox/session")).body.agent.id;
    });
    afterAll(async () => {
      await s?.close();
    });

    it("new agents default to role agent and are active; GET /v1/agents/{id} reads one", async () => {
      const created = await s.api("POST", "/v1/agents", {
        name: "Noa",
        email: "noa@example.com",
        password: "noa-password",
      });
      expect(created.body).toMatchObject({ role: "agent", active: true });
      const got = await s.api("GET", `/v1/agents/${created.body.id}`);
      expect(got.status).toBe(200);
      expect(got.body).toEqual(created.body);
      expect((await s.api("GET", "/v1/agents/ag_nobody")).status).toBe(404);
      const me = await owner("GET", `/v1/agents/${ownerId}`);
      expect(me.body).toMatchObject({ email: "admin@localhost", role: "owner", active: true });
    });

    it("an agent changes its own name and password, but not its role nor anyone else", async () => {
      const a = await agentWithRole(s, "agent");
      const renamed = await a.call("PATCH", `/v1/agents/${a.id}`, { name: "Renamed", password: "a-new-password" });
      expect(renamed.status).toBe(200);
      expect(renamed.body.name).toBe("Renamed");
      await expect(signedIn(s, a.email, a.password)).rejects.toThrow(/401/);
      await signedIn(s, a.email, "a-new-password");
      const promote = await a.call("PATCH", `/v1/agents/${a.id}`, { role: "admin" });
      expect(promote.status).toBe(403);
      expect(promote.body.error.code).toBe("forbidden");
      expect((await a.call("PATCH", `/v1/agents/${ownerId}`, { name: "Pwned" })).status).toBe(403);
      expect((await a.call("PATCH", `/v1/agents/${ownerId}`, { active: false })).status).toBe(403);
      expect((await s.api("GET", `/v1/agents/${a.id}`)).body.role).toBe("agent");
      expect((await s.api("GET", `/v1/agents/${ownerId}`)).body).toMatchObject({ name: "Admin", active: true });
    });

    it("an admin manages agents and admins but cannot make or change an owner, nor mint an admin token", async () => {
      const admin = await agentWithRole(s, "admin");
      const a = await agentWithRole(s, "agent");
      expect((await admin.call("PATCH", `/v1/agents/${a.id}`, { role: "admin" })).body.role).toBe("admin");
      expect((await admin.call("PATCH", `/v1/agents/${a.id}`, { role: "agent" })).body.role).toBe("agent");
      for (const patch of [{ role: "owner" }]) {
        const res = await admin.call("PATCH", `/v1/agents/${a.id}`, patch);
        expect(res.status).toBe(403);
      }
      for (const patch of [{ role: "agent" }, { active: false }, { name: "x" }, { password: "owned-password" }]) {
        const res = await admin.call("PATCH", `/v1/agents/${ownerId}`, patch);
        expect(res.status, JSON.stringify(patch)).toBe(403);
      }
      const makeOwner = await admin.call("POST", "/v1/agents", {
        name: "O",
        email: "o-by-admin@example.com",
        password: "o-password-1",
        role: "owner",
      });
      expect(makeOwner.status).toBe(403);
      expect((await admin.call("POST", "/v1/tokens", { name: "all sites" })).status).toBe(403);
      const siteId = (await s.api("GET", "/v1/sites")).body.items[0].id;
      expect((await admin.call("POST", "/v1/tokens", { name: "one site", siteId })).status).toBe(201);
      expect((await s.api("GET", `/v1/agents/${ownerId}`)).body).toMatchObject({ role: "owner", active: true });
    });

    it("the last active owner cannot be demoted or deactivated: 409 conflict", async () => {
      for (const patch of [{ role: "admin" }, { active: false }]) {
        const res = await owner("PATCH", `/v1/agents/${ownerId}`, patch);
        expect(res.status).toBe(409);
        expect(res.body.error.code).toBe("conflict");
      }
      // With a second owner, the first may step down; then the second is the last one.
      const second = await s.api("POST", "/v1/agents", {
        name: "Second",
        email: "second@example.com",
        password: "second-password",
        role: "owner",
      });
      expect((await owner("PATCH", `/v1/agents/${ownerId}`, { role: "admin" })).body.role).toBe("admin");
      expect((await s.api("PATCH", `/v1/agents/${second.body.id}`, { active: false })).status).toBe(409);
      expect((await s.api("PATCH", `/v1/agents/${ownerId}`, { role: "owner" })).body.role).toBe("owner");
    });

    it("two owners demoting each other at once leave one owner", async () => {
      const other = await agentWithRole(s, "owner");
      const owners = async () =>
        (await s.api("GET", "/v1/agents")).body.items.filter(
          (a: { role: string; active: boolean }) => a.role === "owner" && a.active,
        );
      // Only these two (and "second" from before, demoted here first) are owners.
      for (const a of await owners())
        if (a.id !== ownerId && a.id !== other.id) await s.api("PATCH", `/v1/agents/${a.id}`, { role: "agent" });
      const [x, y] = await Promise.all([
        owner("PATCH", `/v1/agents/${other.id}`, { role: "agent" }),
        other.call("PATCH", `/v1/agents/${ownerId}`, { role: "agent" }),
      ]);
      // One wins; the other is refused: 409 when both were owners as they asked, 403 when the
      // winner had already made the loser an agent.
      const statuses = [x.status, y.status].sort();
      expect(statuses[0]).toBe(200);
      expect([403, 409]).toContain(statuses[1]);
      expect(await owners()).toHaveLength(1);
    });

    it("active: false refuses sign-in and cuts the agent's open inbox at once, sockets included", async () => {
      const a = await agentWithRole(s, "agent");
      const socket: Socket = io(`${s.url}/agent`, {
        transports: ["websocket"],
        forceNew: true,
        reconnection: false,
        extraHeaders: { cookie: a.call.headers.cookie! },
      });
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", () => resolve());
        socket.once("connect_error", reject);
      });
      const cut = new Promise<string>((resolve) => socket.once("disconnect", (reason) => resolve(reason)));
      const off = await s.api("PATCH", `/v1/agents/${a.id}`, { active: false });
      expect(off.status).toBe(200);
      expect(off.body.active).toBe(false);
      expect(await cut).toBe("io server disconnect");
      expect((await a.call("GET", "/v1/conversations")).status).toBe(401);
      const again = await fetch(`${s.url}/v1/inbox/session`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-parley-csrf": "1" },
        body: JSON.stringify({ email: a.email, password: a.password }),
      });
      expect(again.status).toBe(403);
      expect((await s.api("PATCH", `/v1/agents/${a.id}`, { active: true })).body.active).toBe(true);
      await signedIn(s, a.email, a.password);
    });

    it("a deactivated agent cannot be given a conversation; reactivated, it can", async () => {
      const a = await agentWithRole(s, "agent");
      await s.api("PATCH", `/v1/agents/${a.id}`, { active: false });
      const conv = await s.api("POST", "/v1/conversations", { message: { text: "Hello" }, assignee: a.id });
      expect(conv.status).toBe(422);
      expect(conv.body.error).toMatchObject({ code: "validation_failed" });
      const open = await s.api("POST", "/v1/conversations", { message: { text: "Hello" } });
      const patched = await s.api("PATCH", `/v1/conversations/${open.body.id}`, { assignee: a.id });
      expect(patched.status).toBe(422);
      expect((await s.api("GET", `/v1/conversations/${open.body.id}`)).body.assignee).toBeNull();
      await s.api("PATCH", `/v1/agents/${a.id}`, { active: true });
      const again = await s.api("PATCH", `/v1/conversations/${open.body.id}`, { assignee: a.id });
      expect(again.body.assignee).toBe(a.id);
    });
  });
});
