import { toJson } from "./json.ts";

/**
 * The visitor's link to the relay: the socket.io protocol (v5 over engine.io v4) on one
 * websocket, the few parts the widget uses — a namespace with handshake auth, events both ways,
 * acknowledgements, the heartbeat, reconnects with backoff. socket.io-client itself (about
 * 12 KB gzip) loads only where websockets cannot be used (long-polling: polling-relay.ts).
 */
export interface RelaySocket {
  /** Connected to the namespace: events sent now are delivered. */
  readonly connected: boolean;
  /** Reconnects by itself (false after disconnect() or a handshake the relay refused). */
  readonly active: boolean;
  /** Relay events, and "connect", "disconnect", "connect_error" (an Error, `data` as the relay sent it). */
  on(event: string, fn: (...args: never[]) => void): void;
  emitWithAck(event: string, payload: unknown, timeoutMs: number): Promise<unknown>;
  connect(): void;
  disconnect(): void;
  removeAllListeners(): void;
}

/** A WebSocket constructor: the browser's, or one passed in where there is none (the `ws` package under Node 20). */
export type WebSocketClass = typeof WebSocket;

export interface RelayOptions {
  /** ws(s)://host/path/socket.io/ */
  url: string;
  namespace: string;
  auth(): object;
  reconnectionDelayMax: number;
  /** The WebSocket constructor to use (default: the global `WebSocket`). */
  WebSocket?: WebSocketClass;
}

/** The WebSocket constructor `opts` names, else the global one; undefined where there is neither. */
export const webSocketClass = (opts: { WebSocket?: WebSocketClass }): WebSocketClass | undefined =>
  opts.WebSocket ?? (globalThis as { WebSocket?: WebSocketClass }).WebSocket;

export type Listener = (...args: unknown[]) => void;
/** WebSocket.OPEN, without reading a global that Node 20 lacks. */
const OPEN = 1;
/** How long a connection may take to reach the namespace (socket.io-client's default `timeout`). */
const CONNECT_TIMEOUT_MS = 20_000;
/** An acknowledgement awaited; `sent` once its packet went out (not only buffered for the next connect). */
type Ack = { resolve(v: unknown): void; reject(e: Error): void; timer: ReturnType<typeof setTimeout>; sent: boolean };

export class WebSocketRelay implements RelaySocket {
  connected = false;
  active = false;
  private ws: WebSocket | null = null;
  private listeners = new Map<string, Listener[]>();
  private acks = new Map<number, Ack>();
  private buffer: { id: number; packet: string }[] = [];
  private nextId = 0;
  private attempts = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private heartbeat: ReturnType<typeof setTimeout> | undefined;

  constructor(private opts: RelayOptions) {}

  /** The browser says it went offline: the link is gone now, not at the next missed ping. */
  private onOffline = () => this.dead("transport close");
  /** Back online: try at once instead of waiting out the backoff. */
  private onOnline = () => {
    if (this.active && !this.ws) this.connect();
  };

  on(event: string, fn: (...args: never[]) => void): void {
    const list = this.listeners.get(event) ?? [];
    list.push(fn as Listener);
    this.listeners.set(event, list);
  }

  removeAllListeners(): void {
    this.listeners.clear();
  }

  emitWithAck(event: string, payload: unknown, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const packet = `2${this.nsp()}${id}${toJson([event, payload])}`;
      const timer = setTimeout(() => {
        this.acks.delete(id);
        this.buffer = this.buffer.filter((p) => p.id !== id);
        reject(new Error("operation has timed out"));
      }, timeoutMs);
      this.acks.set(id, { resolve, reject, timer, sent: this.connected });
      if (this.connected) this.send(packet);
      else this.buffer.push({ id, packet });
    });
  }

  connect(): void {
    if (this.ws) return;
    if (!this.active && typeof addEventListener === "function") {
      addEventListener("offline", this.onOffline);
      addEventListener("online", this.onOnline);
    }
    this.active = true;
    clearTimeout(this.reconnectTimer);
    let ws: WebSocket;
    try {
      const WS = webSocketClass(this.opts);
      if (!WS) throw new Error("no WebSocket here");
      ws = new WS(`${this.opts.url}?EIO=4&transport=websocket`);
    } catch (err) {
      // Refused before any byte (a CSP without the relay's ws origin, a bad URL).
      return this.lost(err as Error, false);
    }
    this.ws = ws;
    let opened = false;
    // A handshake that hangs (a link dead before the first byte came back) is given up, as
    // socket.io-client does, and tried again.
    this.connectTimer = setTimeout(() => {
      if (this.ws === ws && !this.connected) this.lost(new Error("timeout"), opened);
    }, CONNECT_TIMEOUT_MS);
    ws.onmessage = (e) => {
      if (typeof e.data !== "string") return;
      const type = e.data[0];
      if (type === "0") {
        opened = true;
        const open = JSON.parse(e.data.slice(1)) as { pingInterval: number; pingTimeout: number };
        this.beat(open.pingInterval + open.pingTimeout);
        this.send(`0${this.nsp()}${toJson(this.opts.auth())}`);
      } else if (type === "2") {
        this.send("3", true);
        this.beat();
      } else if (type === "4") this.packet(e.data.slice(1));
      else if (type === "1") ws.close();
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.lost(new Error(opened ? "transport close" : "websocket error"), opened);
    };
    // An error is followed by close; without a listener, Node's `ws` would throw it instead.
    ws.onerror = () => {};
  }

  disconnect(): void {
    if (this.connected) this.send(`1${this.nsp()}`);
    this.stop();
    this.close("io client disconnect");
  }

  private stop(): void {
    this.active = false;
    if (typeof removeEventListener !== "function") return; // not in a browser (tests under Node)
    removeEventListener("offline", this.onOffline);
    removeEventListener("online", this.onOnline);
  }

  private nsp(): string {
    return this.opts.namespace === "/" ? "" : `${this.opts.namespace},`;
  }

  private send(packet: string, engine = false): void {
    if (this.ws?.readyState === OPEN) this.ws.send(engine ? packet : `4${packet}`);
  }

  private heartbeatMs = 45_000;
  /** No ping from the relay in time: the link is dead even if the socket says otherwise. */
  private beat(ms = this.heartbeatMs): void {
    this.heartbeatMs = ms;
    clearTimeout(this.heartbeat);
    this.heartbeat = setTimeout(() => this.dead("ping timeout"), ms);
  }

  /**
   * The link is dead now (no ping in time, the browser went offline): lost at once, not when the
   * websocket's closing handshake, which a dead link never completes, would end.
   */
  private dead(reason: string): void {
    if (this.ws) this.lost(new Error(reason), true);
  }

  /** A socket.io packet: `<type>[/nsp,][id]<json>`. */
  private packet(text: string): void {
    const type = text[0];
    let rest = text.slice(1);
    if (rest.startsWith("/")) {
      const comma = rest.indexOf(",");
      if (rest.slice(0, comma) !== this.opts.namespace) return;
      rest = rest.slice(comma + 1);
    }
    const m = /^(\d*)([\s\S]*)$/.exec(rest)!;
    const id = m[1] ? Number(m[1]) : null;
    const data = m[2] ? (JSON.parse(m[2]) as unknown) : undefined;
    if (type === "0") {
      this.connected = true;
      clearTimeout(this.connectTimer);
      this.attempts = 0;
      const queued = this.buffer;
      this.buffer = [];
      this.emit("connect");
      for (const { id, packet } of queued) {
        const ack = this.acks.get(id);
        if (ack) ack.sent = true;
        this.send(packet);
      }
    } else if (type === "4") {
      // The relay refused the handshake: no reconnect of our own (the caller decides).
      const info = (data ?? {}) as { message?: string; data?: unknown };
      this.stop();
      this.close(null);
      this.emit("connect_error", Object.assign(new Error(info.message ?? "refused"), { data: info.data }));
    } else if (type === "1") {
      this.stop();
      this.close("io server disconnect");
    } else if (type === "2" && Array.isArray(data)) {
      const [event, ...args] = data as [string, ...unknown[]];
      this.emit(event, ...args);
    } else if (type === "3" && id !== null && Array.isArray(data)) {
      const ack = this.acks.get(id);
      this.acks.delete(id);
      if (ack) {
        clearTimeout(ack.timer);
        ack.resolve(data[0]);
      }
    }
  }

  /** The websocket closed or could not open: tell, and try again later while active. */
  private lost(err: Error, opened: boolean): void {
    const wasConnected = this.connected;
    this.close(wasConnected ? err.message : null);
    if (!wasConnected) this.emit("connect_error", Object.assign(err, { opened }));
    if (!this.active) return this.stop();
    // socket.io-client's backoff: 1 s doubling up to the maximum, ±50 %.
    const base = Math.min(1000 * 2 ** this.attempts++, this.opts.reconnectionDelayMax);
    this.reconnectTimer = setTimeout(() => this.connect(), base * (0.5 + Math.random()));
  }

  /** Drops the websocket; `reason` (when it was connected) goes out as "disconnect". */
  private close(reason: string | null): void {
    clearTimeout(this.heartbeat);
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.connectTimer);
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onmessage = ws.onclose = null;
      ws.close();
    }
    const was = this.connected;
    this.connected = false;
    if (!was) return;
    // What went out on this connection is never answered now (as socket.io-client does): the
    // caller hears it at once instead of when its timeout ends, long after the next connect.
    for (const [id, ack] of this.acks) {
      if (!ack.sent) continue;
      this.acks.delete(id);
      clearTimeout(ack.timer);
      ack.reject(new Error("socket has been disconnected"));
    }
    if (reason) this.emit("disconnect", reason);
  }

  private emit(event: string, ...args: unknown[]): void {
    for (const fn of [...(this.listeners.get(event) ?? [])]) fn(...args);
  }
}
