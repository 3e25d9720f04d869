import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { databases } from "../helpers/services.ts";

/** Sites, API tokens, agents and what a site-scoped token may see. */
describe.each(databases())("admin API on $name", ({ name, available }) => {
  describe.skipIf(!available)("", () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer({ db: name });
    });
    afterAll(async () => {
      await s?.close();
    });

    /** A call with another bearer secret. */
    const as = (secret: string, method: string, path: string, body?: unknown) =>
      s.api(method, path, body, { authorization: `Bearer ${secret}` });

    it("sites: the default site exists; create, get, patch; identitySecret is write-only", async () => {
      const list = await s.api("GET", "/v1/sites");
      expect(list.status).toBe(200);
      expect(list.body.items.map((x: { siteKey: string }) => x.siteKey)).toContain(s.siteKey);
      const created = await s.api("POST", "/v1/sites", {
        name: "Shop",
        allowedOrigins: ["https://shop.example.com"],
        theme: { primaryColor: "#16a34a", position: "left" },
        greeting: "Hej!",
        identitySecret: "very-secret",
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: "Shop",
        allowedOrigins: ["https://shop.example.com"],
        theme: { primaryColor: "#16a34a", position: "left" },
        greeting: "Hej!",
        hasIdentitySecret: true,
      });
      expect(created.body.id).toMatch(/^site_/);
      expect(created.body.siteKey).toMatch(/^pk_/);
      expect(JSON.stringify(created.body)).not.toContain("very-secret");
      const got = await s.api("GET", `/v1/sites/${created.body.id}`);
      expect(got.body).toEqual(created.body);
      const patched = await s.api("PATCH", `/v1/sites/${created.body.id}`, {
        greeting: null,
        theme: { primaryColor: "#000000" },
        identitySecret: null,
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({
        name: "Shop",
        greeting: null,
        theme: { primaryColor: "#000000" },
        hasIdentitySecret: false,
        siteKey: created.body.siteKey,
      });
      expect((await s.api("GET", "/v1/sites")).body.items).toHaveLength(list.body.items.length + 1);
      expect((await s.api("PATCH", "/v1/sites/site_nope", { name: "x" })).status).toBe(404);
      const bad = await s.api("POST", "/v1/sites", {
        name: "",
        allowedOrigins: ["https://a.example/path"],
        theme: { primaryColor: "green" },
      });
      expect(bad.status).toBe(422);
      expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
        "allowedOrigins.0",
        "name",
        "theme.primaryColor",
      ]);
    });

    it("tokens: the secret is shown once, later reads never show it, and DELETE revokes it", async () => {
      const created = await s.api("POST", "/v1/tokens", { name: "CI bot" });
      expect(created.status).toBe(201);
      expect(Object.keys(created.body).sort()).toEqual(["createdAt", "id", "lastUsedAt", "name", "secret", "siteId"]);
      expect(created.body).toMatchObject({ name: "CI bot", siteId: null });
      expect(created.body.secret).toMatch(/^sk_/);
      expect(created.body.id).toMatch(/^tok_/);
      const secret = created.body.secret as string;

      const works = await as(secret, "GET", "/v1/conversations");
      expect(works.status).toBe(200);
      const listed = await s.api("GET", "/v1/tokens");
      expect(JSON.stringify(listed.body)).not.toContain(secret);
      const mine = listed.body.items.find((t: { id: string }) => t.id === created.body.id);
      expect(mine).toBeDefined();
      expect(mine.secret).toBeUndefined();
      expect(mine.lastUsedAt).not.toBeNull();

      const del = await s.api("DELETE", `/v1/tokens/${created.body.id}`);
      expect(del.status).toBe(204);
      expect(del.body).toBeUndefined();
      const after = await as(secret, "GET", "/v1/conversations");
      expect(after.status).toBe(401);
      expect(after.body.error.code).toBe("unauthorized");
      expect((await s.api("DELETE", `/v1/tokens/${created.body.id}`)).status).toBe(404);
    });

    it("401 without a token, with a malformed header and with an unknown secret", async () => {
      const bare = await fetch(`${s.url}/v1/conversations`);
      expect(bare.status).toBe(401);
      expect((await bare.json()).error.code).toBe("unauthorized");
      for (const header of [
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Bearer sk_unknown",
        "Bearer not-even-a-token",
        `Bearer ${"sk_" + "x".repeat(5000)}`,
      ]) {
        const res = await fetch(`${s.url}/v1/conversations`, { headers: { authorization: header } });
        expect(res.status, header.slice(0, 30)).toBe(401);
        expect((await res.json()).error.code).toBe("unauthorized");
      }
    });

    describe("a site-scoped token", () => {
      let siteA: string;
      let siteB: string;
      let tokenA: string;
      let convB: string;
      let convA: string;
      beforeAll(async () => {
        siteA = (await s.api("POST", "/v1/sites", { name: "A" })).body.id;
        siteB = (await s.api("POST", "/v1/sites", { name: "B" })).body.id;
        tokenA = (await s.api("POST", "/v1/tokens", { name: "A only", siteId: siteA })).body.secret;
        convB = (
          await s.api("POST", "/v1/conversations", {
            siteId: siteB,
            contact: { email: "b@example.com" },
            message: { text: "in B" },
          })
        ).body.id;
        convA = (
          await as(tokenA, "POST", "/v1/conversations", {
            contact: { email: "a@example.com" },
            message: { text: "in A" },
          })
        ).body.id;
      });

      it("creates in its own site by default", async () => {
        const conv = await s.api("GET", `/v1/conversations/${convA}`);
        expect(conv.body.siteId).toBe(siteA);
      });

      it("sees only its site's conversations", async () => {
        const list = await as(tokenA, "GET", "/v1/conversations?limit=100");
        expect(list.status).toBe(200);
        expect(list.body.items.map((c: { siteId: string }) => c.siteId)).toEqual([siteA]);
        expect((await as(tokenA, "GET", `/v1/conversations?siteId=${siteB}`)).body.items).toEqual([]);
        const sites = await as(tokenA, "GET", "/v1/sites");
        expect(sites.body.items.map((x: { id: string }) => x.id)).toEqual([siteA]);
        const links = await as(tokenA, "GET", "/v1/conversations/links?email=b@example.com&email=a@example.com");
        expect(links.body[0].conversations).toEqual([]);
        expect(links.body[1].conversations.map((c: { id: string }) => c.id)).toEqual([convA]);
      });

      it("gets 404 for every operation on another site's conversation, and nothing changes", async () => {
        const before = await s.api("GET", `/v1/conversations/${convB}`);
        const msgB = before.body.lastMessage.id;
        const contactB = before.body.contact.id;
        const attempts: [string, string, unknown?][] = [
          ["GET", `/v1/conversations/${convB}`],
          ["PATCH", `/v1/conversations/${convB}`, { status: "solved" }],
          ["POST", `/v1/conversations/${convB}/messages`, { text: "intruder" }],
          ["GET", `/v1/conversations/${convB}/messages`],
          ["POST", `/v1/conversations/${convB}/route`],
          ["PUT", `/v1/conversations/${convB}/tags/x`],
          ["DELETE", `/v1/conversations/${convB}/tags/x`],
          ["POST", `/v1/conversations/${convB}/typing`, { typing: true }],
          ["POST", `/v1/conversations/${convB}/read`, { seq: 1 }],
          ["POST", `/v1/messages/${msgB}/append`, { text: "x" }],
          ["POST", `/v1/messages/${msgB}/complete`, {}],
          ["GET", `/v1/contacts/${contactB}`],
          ["PATCH", `/v1/contacts/${contactB}`, { name: "pwned" }],
          ["GET", `/v1/sites/${siteB}`],
          ["PATCH", `/v1/sites/${siteB}`, { name: "pwned" }],
          ["POST", "/v1/conversations", { siteId: siteB }],
          ["POST", "/v1/conversations", { contactId: contactB }],
        ];
        for (const [method, path, body] of attempts) {
          const res = await as(tokenA, method, path, body);
          expect([403, 404, 422], `${method} ${path}: ${res.status}`).toContain(res.status);
          if (method !== "POST" || !path.endsWith("/v1/conversations"))
            expect(res.status, `${method} ${path}`).toBe(404);
        }
        const after = await s.api("GET", `/v1/conversations/${convB}`);
        expect(after.body).toEqual(before.body);
        expect((await s.api("GET", `/v1/contacts/${contactB}`)).body.name).toBeNull();
        expect((await s.api("GET", `/v1/sites/${siteB}`)).body.name).toBe("B");
      });

      it("cannot create sites, manage agents or mint tokens for another site", async () => {
        expect((await as(tokenA, "POST", "/v1/sites", { name: "C" })).status).toBe(403);
        expect(
          (await as(tokenA, "POST", "/v1/agents", { name: "X", email: "x@example.com", password: "long enough pw" }))
            .status,
        ).toBe(403);
        // Another site is as unknown to it as a site that does not exist.
        expect((await as(tokenA, "POST", "/v1/tokens", { name: "escalate", siteId: siteB })).status).toBe(404);
        const own = await as(tokenA, "POST", "/v1/tokens", { name: "sibling" });
        expect(own.status).toBe(201);
        expect(own.body.siteId).toBe(siteA);
        const tokens = await as(tokenA, "GET", "/v1/tokens");
        expect(tokens.body.items.every((t: { siteId: string }) => t.siteId === siteA)).toBe(true);
        const adminTokenId = (await s.api("GET", "/v1/tokens")).body.items.find(
          (t: { siteId: string | null }) => t.siteId === null,
        ).id;
        expect((await as(tokenA, "DELETE", `/v1/tokens/${adminTokenId}`)).status).toBe(404);
      });
    });

    it("agents: created with a slow hash that is never returned; emails are unique", async () => {
      const created = await s.api("POST", "/v1/agents", {
        name: "Kim",
        email: `Kim-${name}@Example.com`,
        password: "hunter2 but longer",
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: "Kim", email: `kim-${name}@example.com`, role: "agent" });
      expect(created.body.id).toMatch(/^ag_/);
      const list = await s.api("GET", "/v1/agents");
      expect(list.status).toBe(200);
      const text = JSON.stringify([created.body, list.body]);
      expect(text).not.toMatch(/password|hash|scrypt|hunter2/i);
      expect(list.body.items.map((a: { email: string }) => a.email)).toEqual(
        expect.arrayContaining(["admin@localhost", `kim-${name}@example.com`]),
      );
      const stored = await s.parley.store.db
        .selectFrom("agents")
        .select("password_hash")
        .where("id", "=", created.body.id)
        .executeTakeFirstOrThrow();
      expect(stored.password_hash).toMatch(/^scrypt\$/);
      expect(stored.password_hash).not.toContain("hunter2");
      const twin = await s.api("POST", "/v1/agents", {
        name: "Kim 2",
        email: `kim-${name}@example.com`,
        password: "another password",
      });
      expect(twin.status).toBe(409);
      expect(twin.body.error.code).toBe("conflict");
      const short = await s.api("POST", "/v1/agents", { name: "Lee", email: "lee@example.com", password: "short" });
      expect(short.status).toBe(422);
      expect(short.body.error.details[0].path).toBe("password");
    });
  });
});
