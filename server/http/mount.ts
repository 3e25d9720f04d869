import type { RequestHandler, Router } from "express";

/** What this module reads of a router's layers (router 2.x). */
interface LayerLike {
  route?: { path: unknown };
  rawPath?: unknown;
  slash?: boolean;
  handle: { stack?: LayerLike[] };
}

/**
 * `routers` in turn, as `use` of each would run them, but each entered only by requests whose
 * path can match one of its routes. A router mounted at "/" is otherwise entered by every
 * request, which then tries each of its routes' patterns in turn — for the API, some forty
 * layers before a message POST reached its own. Which route answers does not change: a router
 * that is skipped matches nothing for that path.
 *
 * The test is the literal start of each route's path (up to its first parameter), compared
 * without case as Express does; a router with a layer this cannot read (middleware of its own,
 * a pattern) is always entered.
 */
export function entered(...routers: Router[]): RequestHandler {
  const guarded = routers.map((router) => ({
    router,
    prefixes: literalPrefixes((router as unknown as { stack: LayerLike[] }).stack),
  }));
  return (req, res, next) => {
    const path = req.path.toLowerCase();
    let i = 0;
    // A router calls this when it did not answer: with an error (which skips the rest, as the
    // enclosing router would), or with nothing for the next one.
    const step = (err?: unknown): void => {
      if (err) return next(err);
      while (i < guarded.length) {
        const { router, prefixes } = guarded[i++]!;
        if (!prefixes || prefixes.some((prefix) => path.startsWith(prefix))) return void router(req, res, step);
      }
      next();
    };
    step();
  };
}

/** The literal starts of every path `stack` can match, or null when one cannot be told. */
function literalPrefixes(stack: LayerLike[]): string[] | null {
  const prefixes: string[] = [];
  for (const layer of stack) {
    let found: string[] | null;
    if (layer.route) found = literal(layer.route.path);
    else if (layer.slash && layer.handle.stack) found = literalPrefixes(layer.handle.stack);
    else found = null; // middleware of the router's own, or mounted at a path: always enter
    if (!found) return null;
    prefixes.push(...found);
  }
  return [...new Set(prefixes)];
}

function literal(path: unknown): string[] | null {
  if (Array.isArray(path)) {
    const all = path.map(literal);
    return all.some((p) => p === null) ? null : (all as string[][]).flat();
  }
  if (typeof path !== "string") return null;
  // Express matches a path with or without its trailing slash (the router's `loosen`).
  const end = path.search(/[:*{}()?+\\[\]]/);
  const start = (end === -1 ? path : path.slice(0, end)).replace(/\/+$/, "");
  return [start === "" ? "/" : start.toLowerCase()];
}
