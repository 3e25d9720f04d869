import { afterEach, describe, expect, it, vi } from "vitest";
import { services } from "../helpers/services.ts";
import { serverBehindPgProxy } from "../helpers/pg-proxy.ts";
import { ChaosVisitor } from "../helpers/chaos-visitor.ts";
import { clientId, connectVisitor, text } from "./realtime-helpers.ts";

/**
 * The database unreachable for a few seconds under a running relay (PostgreSQL behind a proxy the
 * test cuts): writes answer `unavailable` (REST 503 with Retry-After, the same code in socket
 * acknowledgements), the relay stays up, and the widget (its own session code) keeps what the
 * visitor typed in its outbox and delivers it, once, when the database is back.
 */
describe.skipIf(!services.postgresUrl)("store outage, PostgreSQL", () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it("refuses writes as unavailable, keeps the widget's messages and delivers them once the database is back", async () => {
    const { server, proxy } = await serverBehindPgProxy(cleanup);

    const visitor = new ChaosVisitor("erin", server.url, server.siteKey);
    cleanup.push(() => visitor.close());
    visitor.connect();
    visitor.type("Is anyone there?");
    await vi.waitFor(() => expect(visitor.shown()).toHaveLength(1), { timeout: 10_000 });
    const conversationId = visitor.session.conversationId.value!;
    const raw = await connectVisitor(server.url, { siteKey: server.siteKey });
    cleanup.push(() => raw.close());

    await proxy.cut();

    // The visitor keeps typing: the messages wait in the widget's stored outbox, shown as sending.
    visitor.type("Hello again");
    visitor.type("My order has not arrived");
    const outbox = () => JSON.parse(visitor.storage.getItem(`parley:${server.siteKey}:outbox`) ?? "[]") as unknown[];
    expect(outbox()).toHaveLength(2);

    // REST writes: 503 unavailable with Retry-After; a socket send: the same error in its acknowledgement.
    const reply = await fetch(`${server.url}/v1/conversations/${conversationId}/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
      body: JSON.stringify({ text: "We are on it" }),
    });
    expect(reply.status).toBe(503);
    expect(reply.headers.get("retry-after")).toBe("5");
    const body = await reply.json();
    expect(body.error).toMatchObject({ code: "unavailable" });
    const started = await server.api("POST", "/v1/conversations", { topic: "outage", message: { text: "hi" } });
    expect([started.status, started.headers.get("retry-after"), started.body.error.code]).toEqual([
      503,
      "5",
      "unavailable",
    ]);
    const ack = await raw.call("send", { clientId: clientId(), message: text("Over the socket") });
    expect(ack).toEqual({ ok: false, error: body.error });
    // The relay itself is up: alive, not ready.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
    expect(visitor.session.messages.value.map((m) => m.delivery)).toEqual(["sent", "sending", "sending"]);
    expect(outbox()).toHaveLength(2);

    await proxy.restore();

    // The widget sends its outbox again by itself (a refused send is retried in 5–10 s), and nothing doubles.
    await vi.waitFor(() => expect(visitor.shown()).toHaveLength(3), { timeout: 20_000, interval: 200 });
    expect(outbox()).toEqual([]);
    const history = await server.api("GET", `/v1/conversations/${conversationId}/messages?limit=100`);
    expect(history.status).toBe(200);
    expect(history.body.items.map((m: { content: { text: string } }) => m.content.text).reverse()).toEqual([
      "Is anyone there?",
      "Hello again",
      "My order has not arrived",
    ]);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  }, 60_000);
});
