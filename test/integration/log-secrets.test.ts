import crypto from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { freshDatabaseUrl } from "../helpers/server.ts";
import { spawnNode, type SpawnedNode } from "../helpers/nodes.ts";
import { clientId, connectVisitor, text } from "./realtime-helpers.ts";

/**
 * Secrets never reach the logs (docs/security.md): a real node logging at `trace` is driven
 * through everything that carries a secret or personal data — API tokens (right and wrong), the
 * inbox password and session cookie, a webhook's secret, a site's identity secret, a visitor's
 * token, a message's text, an email address in a query string — and nothing of it is printed.
 */
let node: SpawnedNode;
let drop: () => Promise<void>;
const token = `sk_test_${crypto.randomBytes(12).toString("hex")}`;
const secrets: string[] = [token];

beforeAll(async () => {
  const db = await freshDatabaseUrl("sqlite");
  drop = db.drop;
  node = await spawnNode({
    databaseUrl: db.url,
    token,
    adminPassword: "a very secret admin password",
    env: { LOG_LEVEL: "trace", PARLEY_WEBHOOK_ALLOW_PRIVATE: "1" },
  });
  secrets.push("a very secret admin password");
}, 60_000);
afterAll(async () => {
  await node?.close();
  await drop?.();
});

it("prints no token, password, cookie, secret, visitor token, message text or email, even at trace level", async () => {
  const wrongToken = `sk_${crypto.randomBytes(16).toString("hex")}`;
  secrets.push(wrongToken);
  expect((await fetch(`${node.url}/v1/sites`, { headers: { authorization: `Bearer ${wrongToken}` } })).status).toBe(
    401,
  );

  const signIn = (password: string) =>
    fetch(`${node.url}/v1/inbox/session`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-parley-csrf": "1" },
      body: JSON.stringify({ email: "admin@localhost", password }),
    });
  secrets.push("not the password at all");
  expect((await signIn("not the password at all")).status).toBe(401);
  const session = await signIn("a very secret admin password");
  expect(session.status).toBe(200);
  const cookie = session.headers.get("set-cookie")!.split(";")[0]!;
  secrets.push(cookie.split("=")[1]!);
  expect((await fetch(`${node.url}/v1/inbox/session`, { headers: { cookie } })).status).toBe(200);

  const hook = await node.api("POST", "/v1/webhooks", {
    url: "http://127.0.0.1:9/hook",
    events: ["message.created"],
  });
  expect(hook.status).toBe(201);
  secrets.push(hook.body.secret);
  const siteId = (await node.api("GET", "/v1/sites")).body.items[0].id;
  const identitySecret = `idsec_${crypto.randomBytes(12).toString("hex")}`;
  secrets.push(identitySecret);
  expect((await node.api("PATCH", `/v1/sites/${siteId}`, { identitySecret })).status).toBe(200);

  const visitor = await connectVisitor(node.url, { siteKey: node.siteKey });
  secrets.push(visitor.welcome.visitorToken);
  const words = `confidential ${crypto.randomBytes(6).toString("hex")}`;
  secrets.push(words);
  expect((await visitor.call("send", { clientId: clientId(), message: text(words) })).ok).toBe(true);
  visitor.close();
  secrets.push("someone.private@example.com");
  await node.api("GET", "/v1/conversations/links?email=someone.private@example.com");

  await node.close();
  const output = node.lines.join("\n");
  // The node did log: requests, sign-ins, the socket.
  expect(node.lines.filter((l) => l.includes('"request"')).length).toBeGreaterThan(5);
  for (const secret of secrets) expect(output, `a secret was logged`).not.toContain(secret);
});
