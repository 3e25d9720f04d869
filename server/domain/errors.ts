import type { ErrorCode, ErrorDetail } from "../../shared/errors.ts";

/** A failure the caller can act on; the HTTP and socket layers turn it into the error envelope. */
export class ParleyError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ParleyError("not_found", `${what} not found`);
export const closed = () => new ParleyError("conversation_closed", "This conversation is closed");
export const invalid = (path: string, message: string) =>
  new ParleyError("validation_failed", "Request validation failed", [{ path, message }]);

/**
 * What the caller is told about a failure, in the contract's error envelope: the one mapping the
 * REST error handler (server/http/errors.ts) and every socket acknowledgement (server/realtime/)
 * use, so that one failure answers the same code on both. `log` says what the server logs (never
 * the caller): a lost database, or a bug; `retryAfter` is in seconds.
 */
export interface ErrorReply {
  code: ErrorCode;
  message: string;
  details: ErrorDetail[];
  retryAfter?: number;
  log?: "unavailable" | "failed";
}

/** Errors thrown by body-parser and friends carry a `type` and a `status`. */
const parserErrors: Record<string, [ErrorCode, string]> = {
  "entity.parse.failed": ["bad_request", "Malformed JSON body"],
  "entity.too.large": ["payload_too_large", "Request body is too large"],
  "encoding.unsupported": ["unsupported_media_type", "Unsupported content encoding"],
  "charset.unsupported": ["unsupported_media_type", "Unsupported charset: send UTF-8"],
  "request.aborted": ["bad_request", "Request aborted"],
  "request.size.invalid": ["bad_request", "Request size did not match Content-Length"],
  "stream.encoding.set": ["bad_request", "Bad request stream"],
  "parameters.too.many": ["bad_request", "Too many parameters"],
};

/** Seconds a client waits before retrying when the database is unreachable. */
const UNAVAILABLE_RETRY_S = 5;

export function errorReply(err: unknown): ErrorReply {
  if (err instanceof ParleyError) {
    const retryAfter = (err as ParleyError & { retryAfter?: unknown }).retryAfter;
    return {
      code: err.code,
      message: err.message,
      details: err.details,
      ...(err.code === "rate_limited" && typeof retryAfter === "number" && retryAfter > 0 ? { retryAfter } : {}),
    };
  }
  const e = err as { type?: unknown; status?: unknown } | null;
  const parser = e && typeof e.type === "string" ? parserErrors[e.type] : undefined;
  if (parser) return { code: parser[0], message: parser[1], details: [] };
  if (err instanceof URIError || e?.status === 400)
    return { code: "bad_request", message: "Malformed request", details: [] };
  if (isStoreUnavailable(err))
    return {
      code: "unavailable",
      message: "The database is unreachable: try again shortly",
      details: [],
      retryAfter: UNAVAILABLE_RETRY_S,
      log: "unavailable",
    };
  return { code: "internal_error", message: "Internal error", details: [], log: "failed" };
}

/**
 * A lost or refused database connection (not a bad request): `unavailable`, so that clients and
 * balancers retry. Node socket errors, PostgreSQL class 08 (connection) and 57P0x (shutdown),
 * SQLite busy/locked/unreadable, a connection lost mid-query, and a pool or database handle closed
 * under a running server.
 */
function isStoreUnavailable(err: unknown): boolean {
  const { code, message } = (err ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === "string")
    return (
      /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH)$/.test(code) ||
      /^08/.test(code) ||
      /^57P0/.test(code) ||
      /^SQLITE_(BUSY|LOCKED|CANTOPEN|IOERR)/.test(code)
    );
  return typeof message === "string" && lostConnection.test(message);
}

/** What pg, pg-pool, better-sqlite3 and kysely throw, without a code, when the connection is gone. */
const lostConnection =
  /^(Connection terminated( unexpectedly| due to connection timeout)?|Client (has encountered a connection error|was closed) and is not queryable|Cannot use a pool after calling end on the pool|timeout exceeded when trying to connect|The database connection is not open|driver has already been destroyed)$/;
