import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { ParleyError } from "../domain/errors.ts";

export interface Limiters {
  /** Requests per minute per API token or agent (or per IP when anonymous). */
  api: RateLimiterAbstract;
  /** Failed authentications per minute per IP: stops token and password guessing. */
  authFailures: RateLimiterAbstract;
  /** Inbox sign-in attempts per 15 minutes per IP and email. */
  signIn: RateLimiterAbstract;
  /** Socket handshakes per minute per client address (realtime/guard.ts). */
  handshakes: RateLimiterAbstract;
  /** Messages a visitor sends through its sockets, per 10 s, across its tabs and the nodes. */
  sends: RateLimiterAbstract;
}

/** The socket limits (PARLEY_HANDSHAKE_LIMIT, PARLEY_SEND_LIMIT); the API limit is PARLEY_RATE_LIMIT. */
export interface LimitSettings {
  apiPerMinute: number;
  handshakesPerMinute: number;
  sendsPer10s: number;
}

/**
 * Memory counters on one node; Redis counters (shared by every node) when a Redis client is
 * given.
 */
export function createLimiters(settings: LimitSettings, redis?: unknown): Limiters {
  const make = (keyPrefix: string, points: number, duration: number): RateLimiterAbstract =>
    redis
      ? new RateLimiterRedis({
          storeClient: redis,
          useRedisPackage: true,
          keyPrefix: `parley:rl:${keyPrefix}`,
          points,
          duration,
          insuranceLimiter: new RateLimiterMemory({ points, duration }),
        })
      : new RateLimiterMemory({ keyPrefix, points, duration });
  return {
    api: make("api", settings.apiPerMinute, 60),
    authFailures: make("authfail", 60, 60),
    signIn: make("signin", 10, 15 * 60),
    handshakes: make("handshake", settings.handshakesPerMinute, 60),
    sends: make("send", settings.sendsPer10s, 10),
  };
}

export class RateLimitedError extends ParleyError {
  constructor(readonly retryAfter: number) {
    super("rate_limited", `Too many requests: retry in ${retryAfter} s`);
  }
}

/** Consumes one point for `key`, or throws 429 with the seconds to wait. */
export async function consume(limiter: RateLimiterAbstract, key: string, points = 1): Promise<void> {
  try {
    await limiter.consume(key, points);
  } catch (err) {
    if (err instanceof RateLimiterRes) throw new RateLimitedError(Math.max(1, Math.ceil(err.msBeforeNext / 1000)));
    throw err;
  }
}
