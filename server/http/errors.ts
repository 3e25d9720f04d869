import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";
import { errorBody, errorCodes, type ErrorCode } from "../../shared/errors.ts";
import { ParleyError } from "../domain/errors.ts";

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

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let code: ErrorCode;
    let message: string;
    let details: { path: string; message: string }[] = [];
    if (err instanceof ParleyError) {
      ({ code, message, details } = err);
    } else if (err && typeof err.type === "string" && parserErrors[err.type]) {
      [code, message] = parserErrors[err.type]!;
    } else if (err instanceof URIError || (err && err.status === 400)) {
      code = "bad_request";
      message = "Malformed request";
    } else if (isStoreUnavailable(err)) {
      code = "unavailable";
      message = "The database is unreachable: try again shortly";
      res.setHeader("Retry-After", "5");
      log.error({ err, requestId: req.requestId }, "database unavailable");
    } else {
      code = "internal_error";
      message = "Internal error";
      log.error({ err, requestId: req.requestId, method: req.method, path: req.path }, "request failed");
    }
    if (res.headersSent) return res.end();
    if (
      err instanceof ParleyError &&
      code === "rate_limited" &&
      (err as ParleyError & { retryAfter?: number }).retryAfter
    ) {
      res.setHeader("Retry-After", String((err as ParleyError & { retryAfter?: number }).retryAfter));
    }
    res.status(errorCodes[code]).json(errorBody(code, message, details));
  };
}

/** A lost or refused database connection (not a bad request): 503, so that clients and balancers retry. */
function isStoreUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return false;
  // Node socket errors, PostgreSQL class 08 (connection) and 57P0x (shutdown), SQLite busy/locked.
  return (
    /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH)$/.test(code) ||
    /^08/.test(code) ||
    /^57P0/.test(code) ||
    /^SQLITE_(BUSY|LOCKED)/.test(code)
  );
}

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json(errorBody("not_found", `No route for ${req.method} ${req.path}`));
};

/** A query string that does not decode as UTF-8 percent-encoding is refused, not guessed at. */
export const requireWellFormedQuery: RequestHandler = (req, _res, next) => {
  const query = req.originalUrl.split("?")[1];
  if (query) {
    try {
      decodeURIComponent(query.replace(/\+/g, " "));
    } catch {
      return next(new ParleyError("bad_request", "Malformed query string"));
    }
  }
  next();
};

/** Requests that carry a body must say it is JSON. */
export const requireJson: RequestHandler = (req, _res, next) => {
  const hasBody = req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
  if (hasBody && !req.is("application/json") && !req.is("multipart/form-data")) {
    return next(new ParleyError("unsupported_media_type", "Send the body as application/json"));
  }
  next();
};
