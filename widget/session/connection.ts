import { batch, signal, type Signal } from "@preact/signals";
import { io, type Socket } from "socket.io-client";
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

export type RelaySocket = Socket<VisitorServerEvents, VisitorClientEvents>;

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
 * token. socket.io starts with HTTP long-polling and upgrades to a websocket. A page whose CSP
 * lists the relay's https: origin in connect-src but not its wss: origin refuses that upgrade
 * (and the browser logs it): the widget notices the violation and, for a day on this host
 * origin, asks for long-polling only, so the refusal is logged once, not on every page view.
 */
export function openRelay(baseUrl: string, auth: () => HandshakeAuth): RelaySocket {
  const { url, path } = relayEndpoint(baseUrl);
  const wsOrigin = new URL(baseUrl).origin.replace(/^http/, "ws");
  const key = `parley:ws-blocked:${wsOrigin}`;
  const blocked = Date.now() - Number(storageGet(key)) < WS_BLOCKED_MS;
  const socket = io(url, {
    path,
    auth: (cb) => cb(auth()),
    forceNew: true,
    reconnectionDelayMax: 10_000,
    ...(blocked ? { transports: ["polling"] } : {}),
  });
  // A connection found dead by the heartbeat (no ping came) may leave dead idle HTTP connections
  // in the browser's pool on the same network path; a long-polling reconnect could reuse them and
  // hang until the connect timeout, again and again. If the dead one was a WebSocket (so they work
  // here), reconnect by WebSocket first: a new WebSocket always opens a new connection.
  socket.on("disconnect", (reason) => {
    if (reason === "ping timeout" && socket.io.engine?.transport?.name === "websocket")
      Object.assign(socket.io.opts, { transports: ["websocket", "polling"], tryAllTransports: true });
  });
  if (!blocked && typeof document !== "undefined") {
    const onViolation = (e: SecurityPolicyViolationEvent) => {
      if (!e.blockedURI.startsWith(wsOrigin)) return;
      document.removeEventListener("securitypolicyviolation", onViolation);
      // Reconnects of this socket, and sockets of later page views, stay on long-polling.
      socket.io.opts.transports = ["polling"];
      storageSet(key, String(Date.now()));
    };
    document.addEventListener("securitypolicyviolation", onViolation);
  }
  return socket;
}

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
 * the relay does not answer in time (offline, timeout). socket.io's own typing of emitWithAck
 * under timeout() loses the acknowledgement's type, so it is stated here, once.
 */
export function request<E extends keyof VisitorClientEvents>(
  socket: RelaySocket,
  event: E,
  payload: PayloadOf<E>,
): Promise<AckOf<E>> {
  const timed = socket.timeout(ACK_TIMEOUT_MS) as unknown as {
    emitWithAck(event: E, payload: PayloadOf<E>): Promise<AckOf<E>>;
  };
  return timed.emitWithAck(event, payload);
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
    const s = openRelay(opts.baseUrl, () => ({
      siteKey: opts.siteKey,
      visitorToken: store.get("visitor") ?? undefined,
      ...(connection.user ? { user: connection.user } : {}),
    }));
    socket = s;
    s.on("welcome", onWelcome);
    // The team came or went (CONTRACT §8): the away screen follows `site.available`.
    s.on("site", (e) => (site.value = e.site));
    s.on("disconnect", () => {
      welcomed = false;
      state.value = "offline";
      hooks.onOffline();
    });
    s.on("connect_error", (err: Error & { data?: { code?: string } }) => {
      state.value = "offline";
      // A refused handshake is not retried by socket.io itself; a transient one is, later.
      if (!s.active && !FATAL.has(err.data?.code ?? "")) retryLater(() => s.connect());
      if (!s.active) releaseTokenLock?.();
    });
    for (const { event, listener } of listeners) s.on(event, listener as never);
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
