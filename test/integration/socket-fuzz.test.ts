import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorCodes } from "../../shared/errors.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { fuzzSeeds } from "../helpers/fuzz.ts";
import { clientId, connectVisitor, openSocket, text, type Visitor } from "./realtime-helpers.ts";

/**
 * Hostile input on the visitor socket (docs/security.md): whatever a client sends — payloads of
 * any shape, unknown or hostile event names, packets that do not parse, nest thousands deep or
 * exceed the size limit, floods of events and of handshakes — the relay answers with the
 * contract's error codes (never `internal_error`), refuses or disconnects the abuser, and keeps
 * serving everyone else.
 */

const SEND_LIMIT = 10;
const HANDSHAKE_LIMIT = 60;
/** The codes a refused event may carry: a fault of the client, never of the relay. */
const clientFaults = Object.keys(errorCodes).filter((c) => c !== "internal_error" && c !== "unavailable");
const visitorEvents = ["send", "resync", "typing", "read", "rate", "message.get", "page", "identify"];

let server: TestServer;
const open: Visitor[] = [];

beforeAll(async () => {
  server = await startTestServer({
    db: "sqlite",
    env: { PARLEY_SEND_LIMIT: String(SEND_LIMIT), PARLEY_HANDSHAKE_LIMIT: String(HANDSHAKE_LIMIT) },
  });
});
afterAll(async () => {
  for (const v of open) v.close();
  await server?.close();
});

/** A visitor from its own address (behind the loopback proxy the test stands for), so each suite has its own handshake budget. */
let addresses = 0;
async function visitor(address = `198.51.100.${++addresses}`): Promise<Visitor> {
  const v = await connectVisitor(server.url, { siteKey: server.siteKey }, undefined, {
    "x-forwarded-for": address,
  });
  open.push(v);
  return v;
}

/** The relay still serves: a new visitor connects, sends, and the message is stored. */
async function stillServes(): Promise<void> {
  const v = await visitor();
  const ack = await v.call("send", { clientId: clientId(), message: text("still here") });
  expect(ack.ok).toBe(true);
  const stored = await server.api("GET", `/v1/conversations/${ack.conversation.id}/messages`);
  expect(stored.body.items.map((m: any) => m.content.text)).toContain("still here");
  v.close();
}

function expectClientFault(ack: any): void {
  expect(ack).toMatchObject({ ok: false, error: { message: expect.any(String), details: expect.any(Array) } });
  expect(clientFaults).toContain(ack.error.code);
}

/** A value nested `depth` levels deep, built without recursion. */
function nested(depth: number): unknown {
  let v: unknown = "bottom";
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

const conversationIdish = fc.oneof(
  fc.constant(null),
  fc.string(),
  fc.string().map((s) => `conv_${s}`),
  fc.integer(),
);
/** Payloads near the real shapes (so the parsers go deep) and far from them. */
const payload = fc.oneof(
  fc.anything({ maxDepth: 4 }),
  fc.jsonValue({ maxDepth: 6 }),
  fc.record(
    {
      clientId: fc.oneof(fc.string(), fc.stringMatching(/^[A-Za-z0-9_-]{8,64}$/)),
      conversationId: conversationIdish,
      message: fc.oneof(
        fc.jsonValue({ maxDepth: 4 }),
        fc.record({
          type: fc.constantFrom("text", "image", "file", "cards", "location", "quick_replies", "card", "__proto__"),
          content: fc.jsonValue({ maxDepth: 4 }),
        }),
      ),
      afterSeq: fc.oneof(fc.integer(), fc.double(), fc.string()),
      seq: fc.oneof(fc.integer(), fc.double(), fc.string()),
      typing: fc.anything({ maxDepth: 1 }),
      score: fc.oneof(fc.integer(), fc.double()),
      messageId: fc.oneof(
        fc.string(),
        fc.string().map((s) => `msg_${s}`),
      ),
      url: fc.oneof(fc.webUrl(), fc.string()),
      email: fc.oneof(fc.emailAddress(), fc.string()),
    },
    { requiredKeys: [] },
  ),
  fc.string({ maxLength: 30_000 }),
  fc.integer({ min: 100, max: 3000 }).map(nested),
);
const eventName = fc.oneof(
  fc.constantFrom(...visitorEvents),
  fc.constantFrom(...visitorEvents),
  fc.constantFrom("error", "__proto__", "constructor", "toString", "hasOwnProperty", "welcome", "message"),
  fc.string({ maxLength: 40 }),
);

describe("socket fuzzer: any event, any payload", () => {
  for (const { label, seed } of fuzzSeeds("socket fuzz", 1515)) {
    it(`answers every event with an acknowledgement of the contract, ${label}`, async () => {
      let v = await visitor();
      let spent = 0;
      await fc.assert(
        fc.asyncProperty(eventName, payload, async (name, data) => {
          // A fresh socket before the event budget runs out: every case reaches the handlers.
          if (spent >= 20) {
            v.close();
            v = await visitor();
            spent = 0;
          }
          spent++;
          const ack = await (v.socket.timeout(10_000) as any).emitWithAck(name, data);
          if (ack.ok) return;
          expectClientFault(ack);
          if (!visitorEvents.includes(name)) expect(ack.error.code).toBe("bad_request");
        }),
        { seed, numRuns: 600 },
      );
      v.close();
      await stillServes();
    });
  }

  it("answers a payload nested 3,000 deep with validation_failed", async () => {
    const v = await visitor();
    for (const event of ["send", "identify", "page"] as const) {
      const ack = await v.call(event, nested(3000) as never);
      expect(ack.ok).toBe(false);
      expect(ack.error.code).toBe("validation_failed");
    }
    const deepInside = await v.call("send", {
      clientId: clientId(),
      message: { type: "cards", content: nested(3000) },
    } as never);
    expect(deepInside.error.code).toBe("validation_failed");
  });

  it("takes events without an acknowledgement, or with extra arguments, and goes on answering", async () => {
    const v = await visitor();
    (v.socket.emit as any)("send", { clientId: clientId(), message: text("no ack") });
    (v.socket.emit as any)("typing", { conversationId: "conv_x", typing: true }, "extra", 42);
    (v.socket.emit as any)("send", "not an object", { ack: "not a function" });
    (v.socket.emit as any)("error", new Error("boom"));
    const ack = await v.call("send", { clientId: clientId(), message: text("with ack") });
    expect(ack.ok).toBe(true);
    const stored = await server.api("GET", `/v1/conversations/${ack.conversation.id}/messages`);
    // The message sent without an acknowledgement is stored too.
    expect(stored.body.items.map((m: any) => m.content.text).sort()).toEqual(["no ack", "with ack"]);
  });
});

describe("packets the relay cannot take", () => {
  it("closes the connection of a packet larger than maxHttpBufferSize and keeps serving", async () => {
    const v = await visitor();
    const closed = new Promise<string>((resolve) => v.socket.once("disconnect", (reason) => resolve(reason)));
    (v.socket.emit as any)("send", { clientId: clientId(), message: text("x".repeat(400_000)) });
    expect(await closed).toMatch(/transport (close|error)/);
    await stillServes();
  });

  it("closes the connection of a packet that does not parse, or names a reserved event", async () => {
    for (const raw of ['2/visitor,1["send",{"clientId":', '2/visitor,["disconnect"]', "2/visitor,7{}", "9oops"]) {
      const v = await visitor();
      const closed = new Promise<string>((resolve) => v.socket.once("disconnect", (reason) => resolve(reason)));
      (v.socket.io as any).engine.write(raw);
      expect(await closed).toMatch(/transport (close|error)|parse error|io server disconnect/);
    }
    await stillServes();
  });
});

describe("floods", () => {
  it(`refuses a visitor's sends beyond ${SEND_LIMIT} per 10 s with rate_limited, and stores only those it took`, async () => {
    const v = await visitor();
    const first = await v.call("send", { clientId: clientId(), message: text("0") });
    const conversationId = first.conversation.id;
    const acks = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        v.call("send", { clientId: clientId(), conversationId, message: text(String(i + 1)) }),
      ),
    );
    const refused = acks.filter((a) => !a.ok);
    expect(acks.filter((a) => a.ok)).toHaveLength(SEND_LIMIT - 1);
    for (const a of refused) expect(a.error.code).toBe("rate_limited");
    const stored = await server.api("GET", `/v1/conversations/${conversationId}/messages?limit=100`);
    expect(stored.body.items).toHaveLength(SEND_LIMIT);
    // The limit is the visitor's, not the socket's: a second tab of the same visitor is refused too.
    const tab = await connectVisitor(
      server.url,
      { siteKey: server.siteKey, visitorToken: v.welcome.visitorToken },
      undefined,
      { "x-forwarded-for": "198.51.100.250" },
    );
    open.push(tab);
    const again = await tab.call("send", { clientId: clientId(), conversationId, message: text("tab") });
    expect(again.error.code).toBe("rate_limited");
  });

  it("answers a typing flood rate_limited, then disconnects the socket that keeps flooding", async () => {
    const v = await visitor();
    const { conversation } = await v.call("send", { clientId: clientId(), message: text("hi") });
    const typing = (i: number) => ({ conversationId: conversation.id, typing: i % 2 === 0 });
    // Past the socket's event budget: the first ones are taken, the rest answered rate_limited.
    const acks = await Promise.all(Array.from({ length: 150 }, (_, i) => v.call("typing", typing(i))));
    expect(acks.filter((a) => a.ok).length).toBeGreaterThan(100);
    const refused = acks.filter((a) => !a.ok);
    expect(refused.length).toBeGreaterThan(0);
    for (const a of refused) expect(a.error.code).toBe("rate_limited");
    // Going on at twice the budget: disconnected by the relay.
    const disconnected = new Promise<string>((resolve) => v.socket.once("disconnect", (reason) => resolve(reason)));
    for (let i = 0; i < 400 && v.socket.connected; i++) v.socket.emit("typing", typing(i), () => {});
    expect(await disconnected).toBe("io server disconnect");
    await stillServes();
  });

  it("disconnects a socket that keeps sending unknown events", async () => {
    const v = await visitor();
    const disconnected = new Promise<string>((resolve) => v.socket.once("disconnect", (reason) => resolve(reason)));
    for (let i = 0; i < 200 && v.socket.connected; i++) (v.socket.emit as any)(`junk${i}`, i);
    expect(await disconnected).toBe("io server disconnect");
  });

  it(`refuses thousands of handshakes from one address beyond ${HANDSHAKE_LIMIT} a minute, and serves other addresses`, async () => {
    const flood = "203.0.113.66";
    const statuses: number[] = [];
    for (let batch = 0; batch < 40; batch++) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, () =>
          fetch(`${server.url}/socket.io/?EIO=4&transport=polling`, { headers: { "x-forwarded-for": flood } }).then(
            async (res) => {
              await res.arrayBuffer();
              return res.status;
            },
          ),
        ),
      );
      statuses.push(...answers);
    }
    expect(statuses).toHaveLength(2000);
    expect(statuses.filter((s) => s === 200)).toHaveLength(HANDSHAKE_LIMIT);
    expect(statuses.filter((s) => s === 403)).toHaveLength(2000 - HANDSHAKE_LIMIT);
    // A widget from that address is refused too; one from anywhere else connects and chats.
    const refused = openSocket(server.url, { siteKey: server.siteKey }, undefined, { "x-forwarded-for": flood });
    const err = await new Promise<Error>((resolve) => refused.once("connect_error", resolve));
    refused.disconnect();
    expect(err.message).toMatch(/rate_limited|Forbidden|websocket error/i);
    await stillServes();
  });
});
