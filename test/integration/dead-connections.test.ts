import { afterEach, describe, expect, it, vi } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { ChaosProxy, type Entrance } from "../helpers/chaos-proxy.ts";
import { ChaosVisitor } from "../helpers/chaos-visitor.ts";

/**
 * A connection that stops delivering in one direction only (packets dropped, the socket still
 * open: Rocket.Chat #36023, where the widget silently stopped receiving) is found by both ends
 * through the heartbeats (PARLEY_PING_INTERVAL_MS / PARLEY_PING_TIMEOUT_MS, docs/protocol.md):
 * the relay drops its socket, the widget reconnects and resyncs, and shows what it missed.
 */

const PING_INTERVAL_MS = 2000;
const PING_TIMEOUT_MS = 2000;
/** Both ends give up on a dead connection within interval + timeout; the rest is a margin for a loaded machine. */
const DETECTED_WITHIN_MS = PING_INTERVAL_MS + PING_TIMEOUT_MS + 6000;

/** The relay's count of open widget sockets, from its metrics. */
async function visitorSockets(server: TestServer): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith('parley_socket_connections{namespace="visitor"}'));
  return Number(line?.split(" ")[1] ?? 0);
}

describe("dead connections", () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  async function setUp() {
    const server = await startTestServer({
      env: { PARLEY_PING_INTERVAL_MS: String(PING_INTERVAL_MS), PARLEY_PING_TIMEOUT_MS: String(PING_TIMEOUT_MS) },
    });
    cleanup.push(() => server.close());
    const proxy = new ChaosProxy([server.port]);
    cleanup.push(() => proxy.close());
    const { entrance, url } = await proxy.entrance();
    const visitor = new ChaosVisitor("dana", url, server.siteKey);
    cleanup.push(() => visitor.close());
    visitor.connect();
    visitor.type("Hello?");
    await vi.waitFor(() => expect(visitor.shown()).toHaveLength(1), { timeout: 10_000 });
    // Upgraded to a WebSocket: the long-polling requests are over, one connection is left.
    await vi.waitFor(() => expect(visitorSockets(server)).resolves.toBe(1));
    return { server, entrance, visitor, conversationId: visitor.session.conversationId.value! };
  }

  /** Drops everything in one direction on the visitor's open connections; new connections work. */
  const halfKill = (entrance: Entrance, dir: "up" | "down") => {
    expect(entrance.pairs.size).toBeGreaterThan(0);
    for (const pair of entrance.pairs) pair.drop(dir);
  };

  for (const [dir, what] of [
    ["down", "the relay's packets stop reaching the widget"],
    ["up", "the widget's packets stop reaching the relay"],
  ] as const) {
    it(`is found by both ends when ${what}, and the widget receives what it missed`, async () => {
      const { server, entrance, visitor, conversationId } = await setUp();
      halfKill(entrance, dir);
      const reply = await server.api("POST", `/v1/conversations/${conversationId}/messages`, {
        text: "Sorry for the wait, how can I help?",
      });
      expect(reply.status).toBe(201);

      // The widget notices (its connection drops), reconnects on a fresh connection and resyncs.
      await vi.waitFor(() => expect(visitor.online()).toBe(false), { timeout: DETECTED_WITHIN_MS, interval: 50 });
      await vi.waitFor(() => expect(visitor.shown().map((m) => m.id)).toEqual([expect.any(String), reply.body.id]), {
        timeout: DETECTED_WITHIN_MS,
      });
      expect(visitor.told.map((m) => m.id)).toEqual([reply.body.id]);
      // The relay dropped the dead socket: only the new connection is left.
      await vi.waitFor(() => expect(visitorSockets(server)).resolves.toBe(1), { timeout: DETECTED_WITHIN_MS });

      // And the new connection carries the conversation both ways.
      visitor.type("I have a question about my order");
      await vi.waitFor(() => expect(visitor.shown()).toHaveLength(3));
      const history = await server.api("GET", `/v1/conversations/${conversationId}/messages?limit=10`);
      expect(history.body.items.map((m: { content: { text: string } }) => m.content.text).reverse()).toEqual([
        "Hello?",
        "Sorry for the wait, how can I help?",
        "I have a question about my order",
      ]);
    });
  }
});
