import type { RequestHandler } from "express";
import type { Ctx } from "../domain/context.ts";
import { ParleyError } from "../domain/errors.ts";
import { assertEmbeddable, siteByKey } from "../domain/sites.ts";
import { authenticateVisitor, ensureVisitorContact, visitorPrincipal } from "../domain/visitors.ts";
import { consume, type Limiters } from "./rate-limit.ts";

/** The widget's credentials over HTTP: `Authorization: Visitor vt_…` and `X-Parley-Site: pk_…`. */
export const visitorScheme = /^Visitor\s+(\S+)\s*$/i;
export const siteHeader = "X-Parley-Site";

/** Does this request carry the widget's credentials (and so belong to a route that takes them)? */
export const hasVisitorCredentials = (authorization: string | undefined): boolean =>
  !!authorization && visitorScheme.test(authorization);

/**
 * Authenticates a widget's request on the few routes that take visitors (uploads): the site by
 * its key, the page's Origin against the site's allowed origins (as in the socket handshake),
 * and the visitor token, which must belong to that site. The visitor then acts as itself, with
 * its contact (created when it has none, so that its files go with the contact on erasure), and
 * spends the same per-visitor rate limit as its socket events. Other requests pass untouched.
 */
export function visitorAuth(ctx: Ctx, limiters: Limiters): RequestHandler {
  return async (req, _res, next) => {
    const match = visitorScheme.exec(req.headers.authorization ?? "");
    if (!match) return next();
    const siteKey = req.get(siteHeader);
    const site = siteKey && siteKey.length <= 200 ? await siteByKey(ctx, siteKey) : undefined;
    const visitor = site ? await authenticateVisitor(ctx, site.id, match[1]) : null;
    if (!site || !visitor) {
      await consume(limiters.authFailures, `ip:${req.ip}`);
      throw new ParleyError(
        "unauthorized",
        `Invalid visitor credentials: send Authorization: Visitor vt_… with ${siteHeader}: pk_… of the same site`,
      );
    }
    assertEmbeddable(site, req.headers.origin);
    await consume(limiters.api, `visitor:${visitor.id}`);
    req.principal = visitorPrincipal(await ensureVisitorContact(ctx, visitor));
    next();
  };
}
