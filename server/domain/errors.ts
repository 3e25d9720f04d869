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
