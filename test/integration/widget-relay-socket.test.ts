import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { WebSocketRelay } from "../../widget/session/relay-socket.ts";
import { NodeWebSocket } from "../helpers/node-websocket.ts";

/**
 * The widget's own socket.io client (widget/session/relay-socket.ts) against the real relay:
 * the handshake, acknowledgements, a refused handshake, and emits that wait for the connection.
 * Node 20 has no WebSocket global: the relay socket is handed the `ws` package's.
 */
describe("the widget's relay socket against the real relay", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });

  afterAll(async () => {
    await server?.close();
  });

  function relay(auth: object) {
    const url = `${server.url.replace(/^http/, "ws")}/socket.io/`;
    const socket = new WebSocketRelay({
      url,
      namespace: "/visitor",
      auth: () => auth,
      reconnectionDelayMax: 1000,
      WebSocket: NodeWebSocket,
    });
    const seen: { event: string; args: unknown[] }[] = [];
    for (const event of ["connect", "welcome", "connect_error", "disconnect"])
      socket.on(event, (...args: never[]) => seen.push({ event, args }));
    return { socket, seen };
  }

  it("connects with the site key, is welcomed, and gets each acknowledgement, text exactly as sent", async () => {
    const { socket, seen } = relay({ siteKey: server.siteKey });
    // Sent before the connection exists: it waits for it.
    const text = 'Quotes " and \\ and emoji 😀, ["array"] {"object": 1}';
    const sent = socket.emitWithAck(
      "send",
      { clientId: "relay-socket-test-1", message: { type: "text", content: { text } } },
      15_000,
    );
    socket.connect();
    await vi.waitFor(() => expect(seen.map((s) => s.event)).toEqual(["connect", "welcome"]), { timeout: 10_000 });
    expect(socket.connected).toBe(true);
    const welcome = seen[1]!.args[0] as { visitorToken: string };
    expect(welcome.visitorToken).toEqual(expect.any(String));
    const ack = (await sent) as { ok: boolean; message: { content: { text: string } } };
    expect(ack.ok).toBe(true);
    expect(ack.message.content.text).toBe(text);
    const list = await server.api("GET", "/v1/conversations");
    expect(list.body.items.some((c: any) => c.lastMessage?.content?.text === text)).toBe(true);

    // A bad payload is answered, not dropped: the contract's error, on the acknowledgement.
    const bad = (await socket.emitWithAck("send", { clientId: "x" }, 15_000)) as {
      ok: boolean;
      error: { code: string };
    };
    expect(bad).toMatchObject({ ok: false, error: { code: "validation_failed" } });

    socket.disconnect();
    expect(socket.connected).toBe(false);
    expect(socket.active).toBe(false);
    expect(seen.at(-1)).toEqual({ event: "disconnect", args: ["io client disconnect"] });
  });

  it("reports a refused handshake with the relay's code and does not retry on its own", async () => {
    const { socket, seen } = relay({ siteKey: "pk_unknown_site_key" });
    socket.connect();
    await vi.waitFor(() => expect(seen.map((s) => s.event)).toEqual(["connect_error"]), { timeout: 10_000 });
    const err = seen[0]!.args[0] as Error & { data?: { code?: string } };
    expect(err.data?.code).toBe("not_found");
    expect(socket.active).toBe(false);
    expect(socket.connected).toBe(false);
  });

  it("times out an acknowledgement asked for before any connection, and connects afterwards all the same", async () => {
    const { socket, seen } = relay({ siteKey: server.siteKey });
    await expect(socket.emitWithAck("typing", { conversationId: "conv_x", typing: true }, 50)).rejects.toThrow(
      /timed out/,
    );
    socket.connect();
    await vi.waitFor(() => expect(seen.map((s) => s.event)).toContain("welcome"), { timeout: 10_000 });
    socket.disconnect();
  });
});
