import type { ErrorRequestHandler, RequestHandler } from "express";
import type { Logger } from "pino";
import { errorBody, errorCodes } from "../../shared/errors.ts";
import { errorReply, ParleyError } from "../domain/errors.ts";

/** The error envelope for any failure, mapped by errorReply (the same mapping every socket acknowledgement uses). */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const { code, message, details, retryAfter, log: logAs } = errorReply(err);
    if (logAs === "unavailable") log.error({ err, requestId: req.requestId }, "database unavailable");
    else if (logAs) log.error({ err, requestId: req.requestId, method: req.method, path: req.path }, "request failed");
    if (res.headersSent) return res.end();
    if (retryAfter) res.setHeader("Retry-After", String(retryAfter));
    res.status(errorCodes[code]).json(errorBody(code, message, details));
  };
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

/** Requests that carry a body must say it is JSON (a forwarded email is raw MIME: docs/email.md). */
export const requireJson: RequestHandler = (req, _res, next) => {
  const hasBody = req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
  const rawEmail = req.path === "/v1/inbound/email" && req.is("message/rfc822");
  if (hasBody && !rawEmail && !req.is("application/json") && !req.is("multipart/form-data")) {
    return next(new ParleyError("unsupported_media_type", "Send the body as application/json"));
  }
  next();
};
