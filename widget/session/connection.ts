import { io, type Socket } from "socket.io-client";
import type { HandshakeAuth, VisitorClientEvents, VisitorServerEvents, visitorNamespace } from "../../shared/protocol.ts";

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

/** Opens the visitor socket; `auth` runs before every (re)connect, so it always sends the current token. */
export function openRelay(baseUrl: string, auth: () => HandshakeAuth): RelaySocket {
  const { url, path } = relayEndpoint(baseUrl);
  return io(url, { path, auth: (cb) => cb(auth()), forceNew: true, reconnectionDelayMax: 10_000 });
}

/** Runs `fn` holding a Web Lock shared by this origin's tabs, or directly where Web Locks are missing. */
export function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== "undefined" ? (navigator as Navigator & { locks?: LockManager }).locks : undefined;
  return locks?.request ? (locks.request(name, fn) as Promise<T>) : fn();
}
