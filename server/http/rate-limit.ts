import type { RequestHandler } from "express";
import { consume, type Limiters } from "../limits/limiters.ts";

export { consume, createLimiters, RateLimitedError, type Limiters } from "../limits/limiters.ts";

export function apiRateLimit(limiters: Limiters): RequestHandler {
  return async (req, _res, next) => {
    const p = req.principal;
    const key = p?.kind === "token" ? p.tokenId : p?.kind === "agent" ? p.agentId : `ip:${req.ip}`;
    await consume(limiters.api, key);
    next();
  };
}
