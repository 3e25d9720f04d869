import { batch, signal, type Signal } from "@preact/signals";
import type {
  HandshakeAuth,
  VisitorClientEvents,
  VisitorServerEvents,
  visitorNamespace,
  Welcome,
} from "../../shared/protocol.ts";
import type { PublicSiteConfig } from "../../shared/schemas/site.ts";
import type { SiteStorage } from "./storage.ts";
import type { ConnectionState, SessionOptions, VisitorUser } from "./types.ts";
import { pollingRelay } from "./polling-relay.ts";
import { webSocketClass, WebSocketRelay, type RelaySocket, type WebSocketClass } from "./relay-socket.ts";

/** What the widget sends with `event`, and the acknowledgement the relay answers it with. */
export type PayloadOf<E extends keyof VisitorClientEvents> = Parameters<VisitorClientEvents[E]>[0];
export type AckOf<E extends keyof VisitorClientEvents> = Parameters<
  NonNullable<Parameters<VisitorClientEvents[E]>[1]>
>[0];

const ACK_TIMEOUT_MS = 15_000;
/** Handshake refusals that retrying cannot fix. */
const FATAL = new Set(["not_found", "forbidden", "bad_request"]);

// Typed against the shared constant without importing the server's schemas into the widget.
const namespace: typeof visitorNamespace = "/visitor";

/**
 * Where the relay is: its origin, and socket.io's path under the relay's path prefix
 * (`https://example.com/chat` → path `/chat/socket.io`).
 */
export function relayEndpoint(baseUrl: string): { url: string; path: string } {
  const u = new URL(baseUrl);
  return { url: u.origin + namespace, path: `${u.pathname.replace(/\/+$/, "")}/socket.io` };
}

/** How long a page's refusal of the relay's websocket is remembered before trying again. */
const WS_BLOCKED_MS = 24 * 60 * 60 * 1000;

/**
 * Opens the visitor socket; `auth` runs before every (re)connect, so it always sends the current
 * token. The widget speaks socket.io over a websocket (`relay-socket.ts`), made with `WS` (the
 * global WebSocket by default; Node 20 has none, and its callers pass the `ws` package's). A page
 * whose CSP lists the relay's https: origin in connect-src but not its wss: origin refuses the
 * websocket (and the browser logs it): the widget notices the violation and, for a day on this
 * host origin, uses long-polling instead (`onBlocked` then reopens), so the refusal is logged
 * once, not on every page view. Where no websocket has reached the relay yet on this page view,
 * one that fails twice without ever opening while the relay answers over HTTP also falls back,
 * for this page view (a proxy that refuses websockets), and so does a runtime with no WebSocket.
 */
export function openRelay(
  baseUrl: string,
  auth: () => HandshakeAuth,
  onBlocked: () => void,
  WS?: WebSocketClass,
): RelaySocket {
  const { url, path } = relayEndpoint(baseUrl);
  const wsOrigin = new URL(baseUrl).origin.replace(/^http/, "ws");
  const key = `parley:ws-blocked:${wsOrigin}`;
  const opts = { url: wsOrigin + path + "/", namespace, auth, reconnectionDelayMax: 10_000, WebSocket: WS };
  if (noWebSocket || !webSocketClass(opts) || Date.now() - Number(storageGet(key)) < WS_BLOCKED_MS)
    return pollingRelay(url, path, opts);
  const socket = new WebSocketRelay(opts);
  // Only a page has a CSP to refuse by (not Node).
  const doc = typeof document === "undefined" ? null : document;
  let failures = 0;
  const fallBack = () => {
    doc?.removeEventListener("securitypolicyviolation", onViolation);
    noWebSocket = true;
    onBlocked();
  };
  const onViolation = (e: SecurityPolicyViolationEvent) => {
    if (!e.blockedURI.startsWith(wsOrigin)) return;
    storageSet(key, String(Date.now()));
    fallBack();
  };
  doc?.addEventListener("securitypolicyviolation", onViolation);
  socket.on("connect", () => (webSocketOpened = true));
  socket.on("connect_error", (err: Error & { opened?: boolean }) => {
    // Once a websocket has worked on this page, later failures are outages (a relay restarting,
    // a network blackout), not a refusal.
    if (webSocketOpened || err.opened !== false || ++failures < 2) return;
    // Refused, or only down (offline, the relay restarting)? Something on the way refuses
    // websockets only if the relay answers over HTTP meanwhile.
    fetch(`${new URL(baseUrl).origin}${path}/?EIO=4&transport=polling`).then(
      (res) => res.ok && socket.active && !socket.connected && fallBack(),
      () => {},
    );
  });
  return socket;
}

/** Websockets failed on this page view: later sockets use long-polling. */
let noWebSocket = false;
/** A websocket reached the relay on this page view: websockets work on this network. */
let webSocketOpened = false;

function storageGet(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function storageSet(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // storage blocked: the next page view tries the websocket again
  }
}

/** Runs `fn` holding a Web Lock shared by this origin's tabs, or directly where Web Locks are missing. */
export function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== "undefined" ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;
  return locks?.request ? (locks.request(name, fn) as Promise<T>) : fn();
}

/**
 * Sends `event` and waits for its acknowledgement, typed by the shared event map. Rejects when
 * the relay does not answer in time (offline, timeout). The acknowledgement's type is stated
 * here, once, from the shared event map.
 */
export function request<E extends keyof VisitorClientEvents>(
  socket: RelaySocket,
  event: E,
  payload: PayloadOf<E>,
): Promise<AckOf<E>> {
  return socket.emitWithAck(event, payload, ACK_TIMEOUT_MS) as Promise<AckOf<E>>;
}

type Listener<E extends keyof VisitorServerEvents> = VisitorServerEvents[E];

/** The relay link the other session modules (sync, outbox, typing) talk through. */
export interface Connection {
  readonly state: Signal<ConnectionState>;
  readonly site: Signal<PublicSiteConfig | null>;
  /** Connected and welcomed: events sent now are answered. */
  online(): boolean;
  call<E extends keyof VisitorClientEvents>(event: E, payload: PayloadOf<E>): Promise<AckOf<E>>;
  /** Listens to a relay event on every socket this connection opens. */
  on<E extends keyof VisitorServerEvents>(event: E, listener: Listener<E>): void;
  /** Runs `fn` once, 5–10 s from now (a later call replaces an earlier one). */
  retryLater(fn: () => void): void;
  /** Opens the socket (idempotent); the first tab to connect gets the visitor token, the others wait for it. */
  connect(): void;
  /** The user the next handshake identifies as. */
  user: VisitorUser | undefined;
  /** Disconnects and forgets the socket, keeping the listeners for the next connect. */
  close(): void;
}

/**
 * The visitor's socket: the handshake with the stored token, the welcome, going offline,
 * handshakes retried while they can succeed. `onWelcome` runs inside the welcome's batch (with
 * the token held before it), `afterWelcome` once the connection is online.
 */
export function createConnection(
  opts: SessionOptions,
  store: SiteStorage,
  hooks: { onWelcome(w: Welcome, previousToken: string | null): void; afterWelcome(): void; onOffline(): void },
): Connection {
  const state = signal<ConnectionState>("idle");
  const site = signal<PublicSiteConfig | null>(null);
  const listeners: { event: keyof VisitorServerEvents; listener: (...args: never[]) => void }[] = [];
  let socket: RelaySocket | null = null;
  let started = false;
  let welcomed = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let releaseTokenLock: (() => void) | undefined;

  function retryLater(fn: () => void) {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(fn, 5_000 + Math.random() * 5_000);
  }

  function onWelcome(w: Welcome) {
    const previous = store.get("visitor");
    store.set("visitor", w.visitorToken);
    releaseTokenLock?.();
    welcomed = true;
    batch(() => {
      site.value = w.site;
      hooks.onWelcome(w, previous);
      state.value = "online";
    });
    hooks.afterWelcome();
  }

  function open() {
    const auth = () => ({
      siteKey: opts.siteKey,
      visitorToken: store.get("visitor") ?? undefined,
      ...(connection.user ? { user: connection.user } : {}),
    });
    // The websocket is refused here: the same connection again, over long-polling.
    const s = openRelay(
      opts.baseUrl,
      auth,
      () => {
        if (socket !== s) return;
        s.removeAllListeners();
        s.disconnect();
        open();
      },
      opts.WebSocket,
    );
    socket = s;
    s.on("welcome", onWelcome);
    // The team came or went (CONTRACT §8): the away screen follows `site.available`.
    s.on("site", (e: { site: PublicSiteConfig }) => (site.value = e.site));
    s.on("disconnect", () => {
      welcomed = false;
      state.value = "offline";
      hooks.onOffline();
    });
    s.on("connect_error", (err: Error & { data?: { code?: string } }) => {
      state.value = "offline";
      // A refused handshake is not retried by the socket itself; a transient one is, later.
      if (!s.active && !FATAL.has(err.data?.code ?? "")) retryLater(() => s.connect());
      if (!s.active) releaseTokenLock?.();
    });
    for (const { event, listener } of listeners) s.on(event, listener as never);
    s.connect();
  }

  const connection: Connection = {
    state,
    site,
    user: opts.user,
    online: () => !!socket?.connected && welcomed,
    call: (event, payload) => request(socket!, event, payload),
    on(event, listener) {
      listeners.push({ event, listener: listener as (...args: never[]) => void });
    },
    retryLater,
    connect() {
      if (started) return;
      started = true;
      state.value = "connecting";
      if (store.get("visitor")) return open();
      // The first tab to connect gets the visitor token; others wait for it instead of making a second visitor.
      void withLock(
        `parley:${opts.siteKey}:visitor`,
        () =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, ACK_TIMEOUT_MS);
            releaseTokenLock = () => {
              clearTimeout(timer);
              releaseTokenLock = undefined;
              resolve();
            };
            if (started && !socket) open();
          }),
      );
    },
    close() {
      clearTimeout(retryTimer);
      socket?.removeAllListeners();
      socket?.disconnect();
      socket = null;
      started = false;
      welcomed = false;
    },
  };
  return connection;
}
