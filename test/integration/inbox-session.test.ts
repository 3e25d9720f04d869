import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { databases } from "../helpers/services.ts";

const csrf = { "x-parley-csrf": "1" };

async function call(
  server: TestServer,
  method: string,
  path: string,
  opts: { body?: unknown; cookie?: string; headers?: Record<string, string> } = {},
) {
  const res = await fetch(server.url + path, {
    method,
    headers: {
      ...(opts.body !== undefined ? { "content-type": "application/json" } : {}),
      ...(opts.cookie ? { cookie: opts.cookie } : {}),
      ...opts.headers,
    },
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

function signIn(server: TestServer, email: string, password: string, headers: Record<string, string> = csrf) {
  return call(server, "POST", "/v1/inbox/session", { body: { email, password }, headers });
}

/** "parley_session=…" from a Set-Cookie header. */
function cookieOf(res: { headers: Headers }): string {
  const set = res.headers.get("set-cookie") ?? "";
  return set.split(";")[0]!;
}

for (const db of databases()) {
  describe.skipIf(!db.available)(`inbox sign-in (${db.name})`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ db: db.name });
    });
    afterAll(async () => {
      await server?.close();
    });

    it("signs the owner in with an HttpOnly, SameSite=Lax session cookie and tells who is signed in", async () => {
      const res = await signIn(server, "admin@localhost", server.adminPassword);
      expect(res.status).toBe(200);
      expect(res.body.agent).toMatchObject({ email: "admin@localhost", role: "owner" });
      expect(res.body.agent.id).toMatch(/^ag_/);
      expect(JSON.stringify(res.body)).not.toContain("password");
      const setCookie = res.headers.get("set-cookie")!;
      expect(setCookie).toMatch(/^parley_session=[\w-]{40,};/);
      expect(setCookie).toMatch(/HttpOnly/i);
      expect(setCookie).toMatch(/SameSite=Lax/i);
      expect(setCookie).toMatch(/Path=\//);
      expect(setCookie).not.toMatch(/Secure/i);

      const me = await call(server, "GET", "/v1/inbox/session", { cookie: cookieOf(res) });
      expect(me.status).toBe(200);
      expect(me.body.agent.email).toBe("admin@localhost");
    });

    it("marks the cookie Secure when the request came over HTTPS through a trusted proxy", async () => {
      const res = await signIn(server, "admin@localhost", server.adminPassword, {
        ...csrf,
        "x-forwarded-proto": "https",
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("set-cookie")).toMatch(/;\s*Secure/i);
    });

    it("answers a wrong password and an unknown email with the same message", async () => {
      const wrongPassword = await signIn(server, "admin@localhost", "not the password");
      const unknownEmail = await signIn(server, "nobody@example.com", server.adminPassword);
      expect(wrongPassword.status).toBe(401);
      expect(unknownEmail.status).toBe(401);
      expect(wrongPassword.body.error.code).toBe("unauthorized");
      expect(wrongPassword.body.error.message).toBe("Wrong email or password");
      expect(unknownEmail.body.error).toEqual(wrongPassword.body.error);
      expect(wrongPassword.headers.get("set-cookie")).toBeNull();
    });

    it("refuses sign-in without the CSRF header", async () => {
      const res = await signIn(server, "admin@localhost", server.adminPassword, {});
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("forbidden");
    });

    it("uses the cookie session for the same /v1 API, and refuses cookie writes without the CSRF header", async () => {
      const cookie = cookieOf(await signIn(server, "admin@localhost", server.adminPassword));
      const created = await server.api("POST", "/v1/conversations", {
        contact: { name: "Vera" },
        message: { text: "Hello" },
      });
      const id = created.body.id as string;

      const list = await call(server, "GET", "/v1/conversations", { cookie });
      expect(list.status).toBe(200);
      expect(list.body.items.map((c: { id: string }) => c.id)).toContain(id);

      const forged = await call(server, "PATCH", `/v1/conversations/${id}`, { cookie, body: { priority: "high" } });
      expect(forged.status).toBe(403);
      expect(forged.body.error.code).toBe("forbidden");
      expect((await server.api("GET", `/v1/conversations/${id}`)).body.priority).toBe("normal");

      const patched = await call(server, "PATCH", `/v1/conversations/${id}`, {
        cookie,
        body: { priority: "high" },
        headers: csrf,
      });
      expect(patched.status).toBe(200);
      expect(patched.body.priority).toBe("high");

      const reply = await call(server, "POST", `/v1/conversations/${id}/messages`, {
        cookie,
        body: { text: "Hi Vera" },
        headers: csrf,
      });
      expect(reply.status).toBe(201);
      expect(reply.body.sender).toMatchObject({ type: "agent", name: "Admin" });
    });

    it("lets the owner create an agent with the cookie session, who can then sign in but not create agents", async () => {
      const owner = cookieOf(await signIn(server, "admin@localhost", server.adminPassword));
      const created = await call(server, "POST", "/v1/agents", {
        cookie: owner,
        headers: csrf,
        body: { name: "Bo", email: "bo@example.com", password: "bo-password-1" },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: "Bo", email: "bo@example.com", role: "agent" });

      const bo = await signIn(server, "Bo@Example.com", "bo-password-1");
      expect(bo.status).toBe(200);
      const refused = await call(server, "POST", "/v1/agents", {
        cookie: cookieOf(bo),
        headers: csrf,
        body: { name: "Cy", email: "cy@example.com", password: "cy-password-1" },
      });
      expect(refused.status).toBe(403);
    });

    it("signs out: the cookie is cleared and the session stops working at once", async () => {
      const cookie = cookieOf(await signIn(server, "admin@localhost", server.adminPassword));
      expect((await call(server, "GET", "/v1/inbox/session", { cookie })).status).toBe(200);

      expect((await call(server, "DELETE", "/v1/inbox/session", { cookie })).status).toBe(403);
      const out = await call(server, "DELETE", "/v1/inbox/session", { cookie, headers: csrf });
      expect(out.status).toBe(204);
      expect(out.headers.get("set-cookie")).toMatch(/^parley_session=;.*Max-Age=0/i);

      const after = await call(server, "GET", "/v1/inbox/session", { cookie });
      expect(after.status).toBe(401);
      expect((await call(server, "GET", "/v1/conversations", { cookie })).status).toBe(401);
    });

    it("rate limits sign-in attempts with 429 and Retry-After", async () => {
      const email = "guess@example.com";
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await signIn(server, email, `guess-${i}`)).status);
      expect(statuses.every((s) => s === 401)).toBe(true);
      const limited = await signIn(server, email, "guess-10");
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe("rate_limited");
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    });
  });
}
