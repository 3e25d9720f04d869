import type { RequestHandler } from "express";
import type { Ctx } from "../domain/context.ts";
import { authenticateToken } from "../domain/tokens.ts";
import { ParleyError } from "../domain/errors.ts";
import { consume, type Limiters } from "./rate-limit.ts";
import { hasVisitorCredentials } from "./visitor-auth.ts";

export type SessionResolver = (
  cookieHeader: string | undefined,
  req: Parameters<RequestHandler>[0],
) => Promise<import("../domain/context.ts").Principal | null>;

/**
 * Who is calling: `Authorization: Bearer sk_…` (API tokens), else an inbox session cookie when a
 * resolver is installed. `Authorization: Visitor …` is left to the routes that take visitors. A bad token is 401 at once, and failures per IP are rate limited.
 */
export function authenticate(ctx: Ctx, limiters: Limiters, sessions: { resolve?: SessionResolver }): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization;
    // The widget's credentials: only the routes that take visitors authenticate them (visitor-auth.ts).
    if (hasVisitorCredentials(header)) return next();
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      const principal = match ? await authenticateToken(ctx, match[1]!) : null;
      if (!principal) {
        await consume(limiters.authFailures, `ip:${req.ip}`);
        throw new ParleyError("unauthorized", "Invalid API token");
      }
      req.principal = principal;
      return next();
    }
    if (sessions.resolve) {
      const principal = await sessions.resolve(req.headers.cookie, req);
      if (principal) req.principal = principal;
    }
    next();
  };
}
