import { io, type Socket } from "socket.io-client";
import type {
  HandshakeAuth,
  VisitorClientEvents,
  VisitorServerEvents,
  visitorNamespace,
} from "../../shared/protocol.ts";

export type RelaySocket = Socket<VisitorServerEvents, VisitorClientEvents>;

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
