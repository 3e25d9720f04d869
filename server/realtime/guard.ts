import type { IncomingMessage } from "node:http";
import ipaddr from "ipaddr.js";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import type { Socket } from "socket.io";
import type { Logger } from "pino";
import type { AckError } from "../../shared/protocol.ts";
import { consume, RateLimitedError, type Limiters } from "../limits/limiters.ts";

/**
 * The relay's defences against hostile sockets (docs/security.md):
 * - the largest packet a socket may send (`maxHttpBufferSize`): a bigger one closes its connection;
 * - handshakes per minute per client address (PARLEY_HANDSHAKE_LIMIT), refused before any work;
 * - an event budget per socket: each event costs a point, a refused one (unknown event, payload
 *   that does not parse) costs more; beyond the budget events are answered `rate_limited`, and a
 *   socket that keeps going at twice the budget is disconnected.
 */

/** The largest packet, in bytes (a message's text and cards fit many times over). */
export const maxPacketBytes = 256 * 1024;
/** Points a socket may spend per window, and the window in seconds. */
export const eventBudget = { points: 120, seconds: 10 } as const;
/** What a refused event costs: a widget never sends one, a fuzzer sends many. */
const REFUSED_COST = 5;

/** Addresses of proxies in front of Parley whose X-Forwarded-For is believed (as the HTTP app's `trust proxy`). */
function trusted(address: string): boolean {
  try {
    const ip = ipaddr.process(address);
    return ["loopback", "linkLocal", "uniqueLocal", "private"].includes(ip.range());
  } catch {
    return false;
  }
}

/**
 * The client's address: the connection's peer, or, behind trusted proxies, the rightmost
 * X-Forwarded-For entry they did not add themselves (what Express's `req.ip` gives).
 */
export function clientAddress(req: IncomingMessage): string {
  let address = req.socket.remoteAddress ?? "unknown";
  const forwarded = req.headers["x-forwarded-for"];
  const hops = (Array.isArray(forwarded) ? forwarded.join(",") : (forwarded ?? ""))
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  while (trusted(address) && hops.length) address = hops.pop()!;
  return address;
}

/** engine.io's `allowRequest`: a new connection from an address over its handshake limit is refused (403). */
export function handshakeGate(limiters: Limiters | undefined) {
  return (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => {
    if (!limiters) return callback(null, true);
    consume(limiters.handshakes, clientAddress(req)).then(
      () => callback(null, true),
      (err: unknown) => callback(err instanceof RateLimitedError ? "rate_limited" : "unavailable", false),
    );
  };
}

export interface EventGuard {
  /** Counts a refused event against the socket (an unknown event, a payload that did not parse). */
  refused(socket: Socket): void;
  /** socket.use middleware: unknown events answered `bad_request`, the budget enforced. */
  middleware(socket: Socket): (packet: unknown[], next: (err?: Error) => void) => void;
}

const ackOf = (packet: unknown[]) => {
  const last = packet[packet.length - 1];
  return typeof last === "function" ? (last as (res: { ok: false; error: AckError }) => void) : undefined;
};

/** One guard per namespace: `events` are the names it listens to. */
export function eventGuard(events: readonly string[], log: Logger): EventGuard {
  const known = new Set(events);
  const budget = new RateLimiterMemory({ points: eventBudget.points, duration: eventBudget.seconds });

  /** Spends `points`; false when over budget, and the socket is cut at twice the budget. */
  async function spend(socket: Socket, points: number): Promise<{ over: boolean; retryAfter: number }> {
    try {
      await budget.consume(socket.id, points);
      return { over: false, retryAfter: 0 };
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      if (res.consumedPoints > 2 * eventBudget.points && socket.connected) {
        log.warn(
          { address: clientAddress(socket.request), namespace: socket.nsp.name },
          "socket disconnected: flooding",
        );
        socket.disconnect(true);
      }
      return { over: true, retryAfter: Math.max(1, Math.ceil(res.msBeforeNext / 1000)) };
    }
  }

  return {
    refused(socket) {
      void spend(socket, REFUSED_COST - 1);
    },
    middleware: (socket) => (packet, next) => {
      const [name] = packet;
      const ack = ackOf(packet);
      const isKnown = typeof name === "string" && known.has(name);
      spend(socket, isKnown ? 1 : REFUSED_COST).then(
        ({ over, retryAfter }) => {
          if (over) {
            const message = `Too many events: retry in ${retryAfter} s`;
            return ack?.({ ok: false, error: { code: "rate_limited", message, details: [] } });
          }
          if (isKnown) return next();
          ack?.({ ok: false, error: { code: "bad_request", message: "Unknown event", details: [] } });
        },
        (err: unknown) => {
          log.error({ err }, "socket event budget failed");
          next();
        },
      );
    },
  };
}
