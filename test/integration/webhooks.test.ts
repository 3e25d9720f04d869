import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databases } from "../helpers/services.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { startReceiver, type Receiver } from "./webhooks-receiver.ts";

/** The receiver-side check, exactly as docs/webhooks.md shows it. */
function verifyParleySignature(secret: string, rawBody: string, header: string, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(",").map((kv) => kv.split("=", 2)));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !parts.v1) return false;
  if (Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const expected = crypto.createHmac("sha256", secret).update(`${t}.${rawBody}`).digest("hex");
  const a = Buffer.from(expected),
    b = Buffer.from(parts.v1);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

/** Re-reads an API resource until `check` passes (the dispatcher records outcomes after the receiver answers). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition never held; last value: ${JSON.stringify(value).slice(0, 2000)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const fast = { PARLEY_WEBHOOK_ALLOW_PRIVATE: "1", PARLEY_WEBHOOK_BACKOFF_MS: "40", PARLEY_WEBHOOK_TIMEOUT_MS: "400" };

for (const db of databases()) {
  describe.skipIf(!db.available)(`webhooks on ${db.name}`, () => {
    let server: TestServer;
    let receiver: Receiver;

    beforeAll(async () => {
      server = await startTestServer({ db: db.name, env: fast });
    });
    afterAll(async () => {
      await server?.close();
    });

    async function subscribe(events: string[], extra: Record<string, unknown> = {}) {
      const res = await server.api("POST", "/v1/webhooks", { url: receiver.url, events, ...extra });
      expect(res.status).toBe(201);
      return res.body as { id: string; secret: string };
    }

    async function withReceiver(fn: () => Promise<void>, answer?: Parameters<typeof startReceiver>[0]) {
      receiver = await startReceiver(answer);
      try {
        await fn();
      } finally {
        // Unsubscribe everything so that later tests start clean.
        const list = await server.api("GET", "/v1/webhooks");
        for (const w of list.body.items) await server.api("DELETE", `/v1/webhooks/${w.id}`);
        await receiver.close();
      }
    }

    it("creates, lists and deletes subscriptions; the secret is shown once", () =>
      withReceiver(async () => {
        const created = await server.api("POST", "/v1/webhooks", {
          url: receiver.url,
          events: ["message.created", "conversation.created"],
        });
        expect(created.status).toBe(201);
        expect(created.body.id).toMatch(/^wh_/);
        expect(created.body.secret).toMatch(/^whsec_/);
        expect(created.body.events).toEqual(["message.created", "conversation.created"]);

        const list = await server.api("GET", "/v1/webhooks");
        expect(list.status).toBe(200);
        expect(list.body.items.map((w: { id: string }) => w.id)).toContain(created.body.id);
        expect(JSON.stringify(list.body)).not.toContain(created.body.secret);
        const one = await server.api("GET", `/v1/webhooks/${created.body.id}`);
        expect(one.body.secret).toBeUndefined();

        expect((await server.api("DELETE", `/v1/webhooks/${created.body.id}`)).status).toBe(204);
        expect((await server.api("DELETE", `/v1/webhooks/${created.body.id}`)).status).toBe(404);
        expect((await server.api("GET", `/v1/webhooks/${created.body.id}/deliveries`)).status).toBe(404);
      }));

    it("refuses unknown event types and non-http urls with 422", () =>
      withReceiver(async () => {
        const unknown = await server.api("POST", "/v1/webhooks", {
          url: receiver.url,
          events: ["message.created", "message.exploded"],
        });
        expect(unknown.status).toBe(422);
        expect(unknown.body.error.code).toBe("validation_failed");
        expect(unknown.body.error.details.map((d: { path: string }) => d.path)).toContain("events.1");
        const none = await server.api("POST", "/v1/webhooks", { url: receiver.url, events: [] });
        expect(none.status).toBe(422);
        const ftp = await server.api("POST", "/v1/webhooks", {
          url: "ftp://example.com/x",
          events: ["message.created"],
        });
        expect(ftp.status).toBe(422);
        expect(ftp.body.error.details[0].path).toBe("url");
      }));

    it("signs each delivery so that the documented check verifies it", () =>
      withReceiver(async () => {
        const hook = await subscribe(["conversation.created", "message.created"]);
        const conv = await server.api("POST", "/v1/conversations", {
          contact: { name: "Ada" },
          message: { text: "Hello there" },
        });
        expect(conv.status).toBe(201);
        await receiver.waitFor((r) => r.length >= 2, "conversation.created and message.created");

        const [first, second] = receiver.received;
        expect(first!.body.type).toBe("conversation.created");
        expect(first!.body.data.conversation.id).toBe(conv.body.id);
        expect(second!.body.type).toBe("message.created");
        expect(second!.body.data.message.content.text).toBe("Hello there");
        expect(second!.body.data.conversation.id).toBe(conv.body.id);
        for (const r of [first!, second!]) {
          expect(r.body.id).toMatch(/^evt_/);
          expect(Number.isNaN(Date.parse(r.body.createdAt))).toBe(false);
          expect(r.headers["content-type"]).toBe("application/json");
          expect(verifyParleySignature(hook.secret, r.raw, String(r.headers["parley-signature"]))).toBe(true);
          // The signature covers the exact bytes: any change breaks it, and so does another secret.
          expect(
            verifyParleySignature(hook.secret, r.raw.replace("}", " }"), String(r.headers["parley-signature"])),
          ).toBe(false);
          expect(verifyParleySignature("whsec_wrong", r.raw, String(r.headers["parley-signature"]))).toBe(false);
        }
      }));

    it("retries a receiver that answers 500 twice: the same event id arrives three times", () =>
      withReceiver(
        async () => {
          const hook = await subscribe(["conversation.created"]);
          const conv = await server.api("POST", "/v1/conversations", { topic: "retry me" });
          await receiver.waitFor((r) => r.some((x) => x.status === 200), "a successful attempt");
          const attempts = receiver.received.filter((r) => r.body.data.conversation.id === conv.body.id);
          expect(attempts.map((r) => r.status)).toEqual([500, 500, 200]);
          expect(new Set(attempts.map((r) => r.body.id)).size).toBe(1);
          expect(new Set(attempts.map((r) => r.raw)).size).toBe(1);

          const listed = await eventually(
            () => server.api("GET", `/v1/webhooks/${hook.id}/deliveries`),
            (res) => res.body.items[0]?.state === "delivered",
          );
          expect(listed.body.items[0]).toMatchObject({
            state: "delivered",
            attempts: 3,
            statusCode: 200,
            nextAttemptAt: null,
          });
          expect(listed.body.items[0].event.id).toBe(attempts[0]!.body.id);

          const metrics = await fetch(`${server.url}/metrics`).then((r) => r.text());
          expect(metrics).toMatch(/parley_webhook_attempts_total\{result="retry"\} [1-9]/);
          expect(metrics).toMatch(/parley_webhook_attempts_total\{result="delivered"\} [1-9]/);
        },
        (_req, n) => (n < 2 ? 500 : 200),
      ));

    it("times out a receiver that hangs and tries again", () =>
      withReceiver(
        async () => {
          const hook = await subscribe(["conversation.created"]);
          await server.api("POST", "/v1/conversations", { topic: "slow receiver" });
          await receiver.waitFor((r) => r.some((x) => x.status === 200), "the attempt after the timeout");
          expect(receiver.received.map((r) => r.status)).toEqual([null, 200]);
          expect(receiver.received[0]!.body.id).toBe(receiver.received[1]!.body.id);
          const listed = await eventually(
            () => server.api("GET", `/v1/webhooks/${hook.id}/deliveries`),
            (res) => res.body.items[0]?.state === "delivered",
          );
          expect(listed.body.items[0].attempts).toBe(2);
        },
        (_req, n) => (n === 0 ? "hang" : 200),
      ));

    it("keeps each conversation's events in order while the receiver fails now and then", () =>
      withReceiver(
        async () => {
          await subscribe(["conversation.created", "message.created", "conversation.updated"]);
          const conversations: string[] = [];
          for (let i = 0; i < 3; i++)
            conversations.push((await server.api("POST", "/v1/conversations", { topic: `order ${i}` })).body.id);
          // Interleave writes to the three conversations.
          for (let n = 1; n <= 6; n++) {
            for (const id of conversations)
              expect((await server.api("POST", `/v1/conversations/${id}/messages`, { text: `m${n}` })).status).toBe(
                201,
              );
          }
          for (const id of conversations) await server.api("PATCH", `/v1/conversations/${id}`, { priority: "high" });

          const perConversation = 1 + 6 + 1;
          await receiver.waitFor(
            () => receiver.acked().length >= perConversation * conversations.length,
            "every event acknowledged",
          );
          expect(receiver.received.some((r) => r.status === 500)).toBe(true);

          for (const id of conversations) {
            const mine = receiver.received.filter(
              (r) => (r.body.data.conversation?.id ?? r.body.data.message?.conversationId) === id,
            );
            // Position of each request in the conversation's history: created = 0, message seq n = n, update = 7.
            const position = (r: (typeof mine)[number]) =>
              r.body.type === "conversation.created"
                ? 0
                : r.body.type === "message.created"
                  ? r.body.data.message.seq
                  : 7;
            const order = mine.map(position);
            // Retries repeat a position; nothing later is sent while an earlier one is unacknowledged.
            expect(order).toEqual([...order].sort((a, b) => a - b));
            expect([...new Set(order)]).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
            const acked = mine.filter((r) => r.status === 200).map(position);
            expect(acked).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
          }
        },
        // Every third request fails.
        (_req, n) => (n % 3 === 1 ? 500 : 200),
      ));

    it("marks a delivery failed when retries run out, and retries it by hand", async () => {
      const short = await startTestServer({ db: db.name, env: { ...fast, PARLEY_WEBHOOK_RETRY_WINDOW_MS: "150" } });
      const down = await startReceiver(() => 503);
      try {
        const hook = (await short.api("POST", "/v1/webhooks", { url: down.url, events: ["conversation.created"] }))
          .body;
        await short.api("POST", "/v1/conversations", { topic: "nobody home" });
        const failed = await eventually(
          () => short.api("GET", `/v1/webhooks/${hook.id}/deliveries?state=failed`),
          (res) => res.body.items.length === 1,
        );
        const delivery = failed.body.items[0];
        expect(delivery).toMatchObject({ state: "failed", statusCode: 503, nextAttemptAt: null });
        expect(delivery.attempts).toBeGreaterThanOrEqual(2);
        const attemptsBefore = down.received.length;

        down.setAnswer(() => 204);
        const retried = await short.api("POST", `/v1/webhooks/${hook.id}/deliveries/${delivery.id}/retry`);
        expect(retried.status).toBe(200);
        expect(retried.body.state).toBe("pending");
        await down.waitFor((r) => r.length > attemptsBefore && r.at(-1)!.status === 204, "the manual retry");
        expect(down.received.at(-1)!.body.id).toBe(delivery.event.id);
        const done = await eventually(
          () => short.api("GET", `/v1/webhooks/${hook.id}/deliveries`),
          (res) => res.body.items[0].state === "delivered",
        );
        expect(done.body.items[0].statusCode).toBe(204);
        const again = await short.api("POST", `/v1/webhooks/${hook.id}/deliveries/${delivery.id}/retry`);
        expect(again.status).toBe(409);
        expect((await short.api("POST", `/v1/webhooks/${hook.id}/deliveries/dlv_nope/retry`)).status).toBe(404);
      } finally {
        await down.close();
        await short.close();
      }
    });

    it("retries by hand a delivery that is waiting out its backoff after a failed attempt", async () => {
      const slow = await startTestServer({ db: db.name, env: { ...fast, PARLEY_WEBHOOK_BACKOFF_MS: "3600000" } });
      const flaky = await startReceiver((_req, n) => (n === 0 ? 500 : 200));
      try {
        const hook = (await slow.api("POST", "/v1/webhooks", { url: flaky.url, events: ["conversation.created"] }))
          .body;
        await slow.api("POST", "/v1/conversations", { topic: "try me again" });
        const waiting = await eventually(
          () => slow.api("GET", `/v1/webhooks/${hook.id}/deliveries`),
          (res) => res.body.items[0]?.attempts === 1,
        );
        const delivery = waiting.body.items[0];
        expect(delivery).toMatchObject({ state: "pending", attempts: 1, statusCode: 500 });
        expect(Date.parse(delivery.nextAttemptAt)).toBeGreaterThan(Date.now() + 60_000);

        const retried = await slow.api("POST", `/v1/webhooks/${hook.id}/deliveries/${delivery.id}/retry`);
        expect(retried.status, JSON.stringify(retried.body)).toBe(200);
        expect(retried.body).toMatchObject({ id: delivery.id, state: "pending" });
        await flaky.waitFor((r) => r.length === 2, "the manual retry");
        expect(flaky.received[1]!.body.id).toBe(delivery.event.id);
        const done = await eventually(
          () => slow.api("GET", `/v1/webhooks/${hook.id}/deliveries`),
          (res) => res.body.items[0].state === "delivered",
        );
        expect(done.body.items[0]).toMatchObject({ attempts: 2, statusCode: 200, nextAttemptAt: null });
        expect((await slow.api("POST", `/v1/webhooks/${hook.id}/deliveries/${delivery.id}/retry`)).status).toBe(409);
      } finally {
        await flaky.close();
        await slow.close();
      }
    });

    it("scopes subscriptions and events to a site", () =>
      withReceiver(async () => {
        const site = await server.api("POST", "/v1/sites", { name: "Other shop" });
        expect(site.status).toBe(201);
        const token = await server.api("POST", "/v1/tokens", { name: "other shop", siteId: site.body.id });
        const asSite = (method: string, path: string, body?: unknown) =>
          server.api(method, path, body, { authorization: `Bearer ${token.body.secret}` });

        const everySite = await subscribe(["conversation.created"]);
        const siteHook = await asSite("POST", "/v1/webhooks", { url: receiver.url, events: ["conversation.created"] });
        expect(siteHook.status).toBe(201);
        expect(siteHook.body.siteId).toBe(site.body.id);

        const seen = await asSite("GET", "/v1/webhooks");
        expect(seen.body.items.map((w: { id: string }) => w.id)).toEqual([siteHook.body.id]);
        expect((await asSite("DELETE", `/v1/webhooks/${everySite.id}`)).status).toBe(404);
        expect((await asSite("GET", `/v1/webhooks/${everySite.id}/deliveries`)).status).toBe(404);

        const own = await asSite("POST", "/v1/conversations", { topic: "in the other shop" });
        const dflt = await server.api("POST", "/v1/conversations", { topic: "in the default shop" });
        // The every-site hook gets both; the site hook only its own site's.
        await receiver.waitFor((r) => r.length >= 3, "three deliveries");
        const byHook = (id: string) =>
          receiver.received.filter((r) =>
            verifyParleySignature(
              id === siteHook.body.id ? siteHook.body.secret : everySite.secret,
              r.raw,
              String(r.headers["parley-signature"]),
            ),
          );
        expect(byHook(siteHook.body.id).map((r) => r.body.data.conversation.id)).toEqual([own.body.id]);
        expect(
          byHook(everySite.id)
            .map((r) => r.body.data.conversation.id)
            .sort(),
        ).toEqual([own.body.id, dflt.body.id].sort());
      }));

    it("documents every event's payload in the OpenAPI document", async () => {
      const doc = await server.api("GET", "/v1/openapi.json");
      expect(doc.status).toBe(200);
      const schemas = doc.body.components.schemas;
      for (const name of [
        "WebhookEvent",
        "ConversationCreatedData",
        "MessageCreatedData",
        "ContactDeletedData",
        "CreatedWebhook",
        "WebhookDelivery",
      ])
        expect(schemas[name]).toBeDefined();
      expect(doc.body.paths["/v1/webhooks/{id}/deliveries/{deliveryId}/retry"].post).toBeDefined();
    });
  });
}

describe("webhook targets without PARLEY_WEBHOOK_ALLOW_PRIVATE", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ db: "sqlite" });
  });
  afterAll(async () => {
    await server?.close();
  });

  it.each([
    "http://127.0.0.1:9/hook",
    "http://localhost:9/hook",
    "http://[::1]/hook",
    "http://10.0.0.7/hook",
    "http://192.168.1.1/hook",
    "http://169.254.169.254/latest/meta-data",
    "http://100.64.0.1/",
    "http://[::ffff:10.0.0.1]/",
    "http://[fd00::1]/",
    "http://0.0.0.0/",
    "http://2130706433/",
  ])("refuses %s with 422 on url", async (url) => {
    const res = await server.api("POST", "/v1/webhooks", { url, events: ["message.created"] });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("validation_failed");
    expect(res.body.error.details[0].path).toBe("url");
  });
});
