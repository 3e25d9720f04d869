import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { databases } from "../helpers/services.ts";
import { agentWithRole, callerWith, type Caller } from "../helpers/agents.ts";

/**
 * The privilege escalation of issue 9: an agent with role `agent` could mint an admin token (and
 * with it an owner), rewrite a site's identity secret and allowed origins, and revoke any token.
 * Each attempt is now 403 `forbidden` and changes nothing.
 */
describe.each(databases())("an agent with role agent on $name", ({ name, available }) => {
  describe.skipIf(!available)("", () => {
    let s: TestServer;
    let agent: Caller;
    beforeAll(async () => {
      s = await startTestServer({ db: name });
      agent = (await agentWithRole(s, "agent")).call;
    });
    afterAll(async () => {
      await s?.close();
    });

    const expectForbidden = (res: { status: number; body: any }) => {
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("forbidden");
    };

    it("cannot mint an API token, so cannot create an owner with one", async () => {
      const before = (await s.api("GET", "/v1/tokens")).body.items;
      const minted = await agent("POST", "/v1/tokens", { name: "escalate" });
      expectForbidden(minted);
      expect(minted.body.secret).toBeUndefined();
      if (minted.body.secret) {
        const owner = await callerWith(s, { authorization: `Bearer ${minted.body.secret}` })("POST", "/v1/agents", {
          name: "Mallory",
          email: "mallory@example.com",
          password: "mallory-password",
          role: "owner",
        });
        expect(owner.status).toBe(403);
      }
      expect((await s.api("GET", "/v1/tokens")).body.items).toEqual(before);
      const agents = (await s.api("GET", "/v1/agents")).body.items;
      expect(agents.map((a: { email: string }) => a.email)).not.toContain("mallory@example.com");
    });

    it("cannot change a site's identity secret or allowed origins", async () => {
      const site = (await s.api("GET", "/v1/sites")).body.items[0];
      expectForbidden(await agent("PATCH", `/v1/sites/${site.id}`, { identitySecret: "mine now" }));
      expectForbidden(await agent("PATCH", `/v1/sites/${site.id}`, { allowedOrigins: ["https://evil.example"] }));
      expect((await s.api("GET", `/v1/sites/${site.id}`)).body).toEqual(site);
    });

    it("cannot revoke any token, list tokens, create sites or manage webhooks", async () => {
      const tokens = (await s.api("GET", "/v1/tokens")).body.items;
      const admin = tokens.find((t: { siteId: string | null }) => t.siteId === null);
      expectForbidden(await agent("DELETE", `/v1/tokens/${admin.id}`));
      expect((await s.api("GET", "/v1/tokens")).body.items).toEqual(tokens);
      expectForbidden(await agent("GET", "/v1/tokens"));
      const sites = (await s.api("GET", "/v1/sites")).body.items;
      expectForbidden(await agent("POST", "/v1/sites", { name: "Mine" }));
      expect((await s.api("GET", "/v1/sites")).body.items).toEqual(sites);
      expectForbidden(
        await agent("POST", "/v1/webhooks", { url: "https://hooks.example.com/x", events: ["message.created"] }),
      );
      expect((await s.api("GET", "/v1/webhooks")).body.items).toEqual([]);
      expectForbidden(await agent("GET", "/v1/webhooks"));
    });

    it("still answers conversations and reads the team's names", async () => {
      const conv = await s.api("POST", "/v1/conversations", { contact: { name: "Vera" }, message: { text: "hi" } });
      expect((await agent("POST", `/v1/conversations/${conv.body.id}/messages`, { text: "hello" })).status).toBe(201);
      expect((await agent("PATCH", `/v1/conversations/${conv.body.id}`, { status: "solved" })).status).toBe(200);
      expect((await agent("GET", "/v1/agents")).status).toBe(200);
      expect((await agent("GET", "/v1/sites")).status).toBe(200);
    });
  });
});
