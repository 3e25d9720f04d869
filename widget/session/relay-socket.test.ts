import { afterEach, describe, expect, it, vi } from "vitest";
import { WebSocketRelay, type WebSocketClass } from "./relay-socket.ts";

/** A websocket the test plays the relay's side of: what the widget sent, and `hear`/`drop`. */
class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: string[] = [];
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.readyState = 3;
  }
  hear(data: string) {
    this.readyState = 1;
    this.onmessage?.({ data });
  }
  /** The link dies: the socket closes without an answer to what went out on it. */
  drop() {
    this.readyState = 3;
    this.onclose?.();
  }
  /** The engine.io and namespace handshakes. */
  welcome() {
    this.hear('0{"sid":"e","pingInterval":25000,"pingTimeout":20000}');
    this.hear('40/visitor,{"sid":"s"}');
  }
}

const relay = () =>
  new WebSocketRelay({
    url: "ws://relay.test/socket.io/",
    namespace: "/visitor",
    auth: () => ({}),
    reconnectionDelayMax: 1000,
    WebSocket: FakeSocket as unknown as WebSocketClass,
  });

describe("the relay socket", () => {
  afterEach(() => {
    vi.useRealTimers();
    FakeSocket.all = [];
  });

  it("gives up a request sent on a connection that is lost at once; one buffered meanwhile goes on the next", async () => {
    vi.useFakeTimers();
    const socket = relay();
    socket.connect();
    FakeSocket.all[0]!.welcome();
    expect(socket.connected).toBe(true);
    const lost = socket.emitWithAck("resync", { afterSeq: 1 }, 15_000);
    expect(FakeSocket.all[0]!.sent.at(-1)).toBe('42/visitor,0["resync",{"afterSeq":1}]');
    const failed = expect(lost).rejects.toThrow("disconnected");

    FakeSocket.all[0]!.drop();
    // Not when the 15 s timeout ends (long after the next connect): now.
    await failed;
    expect(socket.connected).toBe(false);
    const later = socket.emitWithAck("resync", { afterSeq: 1 }, 15_000);
    await vi.advanceTimersByTimeAsync(1_500);
    FakeSocket.all[1]!.welcome();
    expect(FakeSocket.all[1]!.sent.at(-1)).toBe('42/visitor,1["resync",{"afterSeq":1}]');
    FakeSocket.all[1]!.hear('43/visitor,1[{"ok":true}]');
    await expect(later).resolves.toEqual({ ok: true });
    socket.disconnect();
  });
});
