import { Router, type Request } from "express";
import { z } from "zod";
import { stringifySetCookie } from "cookie";
import { Agent, SignInBody } from "../../../shared/schemas/index.ts";
import { csrfHeader, sessionPath } from "../../../shared/inbox.ts";
import type { Ctx } from "../../domain/context.ts";
import { ParleyError } from "../../domain/errors.ts";
import { agentRow } from "../../domain/agents.ts";
import { agentWithAvailability } from "../../domain/availability.ts";
import { endSession, resolveSession, signIn, SESSION_TTL_MS } from "../../domain/agent-sessions.ts";
import { consume, type Limiters } from "../rate-limit.ts";
import type { SessionResolver } from "../auth.ts";
import { define } from "../route.ts";
import { errorResponses } from "./common.ts";
import { sessionCookie, sessionTokenFrom } from "../../auth/session-cookie.ts";

export { sessionCookie, sessionTokenFrom };

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

function hasCsrfHeader(req: Request): boolean {
  return req.get(csrfHeader) === "1";
}

function refuseWithoutCsrfHeader(req: Request): void {
  if (!safeMethods.has(req.method) && !hasCsrfHeader(req)) {
    throw new ParleyError(
      "forbidden",
      `A request authenticated by the session cookie must send the ${csrfHeader}: 1 header`,
    );
  }
}

/**
 * The cookie → Principal resolver that `authenticate` uses for /v1 requests without a bearer
 * token. State-changing requests must also carry the CSRF header, or they are refused with 403.
 */
export function sessionResolver(ctx: Ctx): SessionResolver {
  return async (cookieHeader, req) => {
    const token = sessionTokenFrom(cookieHeader);
    if (!token) return null;
    const found = await resolveSession(ctx, token);
    if (!found) return null;
    refuseWithoutCsrfHeader(req);
    return found.principal;
  };
}

function setCookie(req: Request, value: string, maxAgeSeconds: number): Record<string, string> {
  return {
    "Set-Cookie": stringifySetCookie(sessionCookie, value, {
      httpOnly: true,
      sameSite: "lax",
      secure: req.secure,
      path: "/",
      maxAge: maxAgeSeconds,
    }),
    "Cache-Control": "no-store",
  };
}

const SessionBody = z.object({ agent: Agent }).meta({ id: "InboxSession" });

/** Sign in, current agent, sign out: the inbox's session on top of the same /v1 API. */
export function inboxSessionRoutes(ctx: Ctx, limiters: Limiters): Router {
  const r = Router();
  const tag = "Inbox session";

  define(
    r,
    {
      method: "post",
      path: sessionPath,
      tag,
      action: "public",
      summary: "Sign an agent in",
      description: `Sets the HttpOnly session cookie. Send the \`${csrfHeader}: 1\` header. Attempts are rate limited per address and email; wrong credentials answer 401 without saying which of the two was wrong.`,
      body: SignInBody,
      responses: {
        200: { description: "Signed in", schema: SessionBody },
        403: { description: "forbidden (no CSRF header)" },
        ...errorResponses,
      },
    },
    async ({ body, req }) => {
      refuseWithoutCsrfHeader(req);
      const email = body.email.trim().toLowerCase();
      await consume(limiters.signIn, `${req.ip}:${email}`);
      const session = await signIn(ctx, email, body.password);
      if (!session) {
        await consume(limiters.authFailures, `ip:${req.ip}`);
        throw new ParleyError("unauthorized", "Wrong email or password");
      }
      await limiters.signIn.delete(`${req.ip}:${email}`).catch(() => {});
      return {
        status: 200,
        body: { agent: session.agent },
        headers: setCookie(req, session.token, Math.floor(SESSION_TTL_MS / 1000)),
      };
    },
  );

  define(
    r,
    {
      method: "get",
      path: sessionPath,
      tag,
      action: "inbox.session",
      summary: "The signed-in agent",
      responses: { 200: { description: "Signed in", schema: SessionBody }, ...errorResponses },
    },
    async ({ req }) => {
      const p = req.principal;
      if (p?.kind !== "agent") throw new ParleyError("unauthorized", "Not signed in");
      return {
        status: 200,
        body: { agent: await agentWithAvailability(ctx, await agentRow(ctx, p.agentId)) },
        headers: { "Cache-Control": "no-store" },
      };
    },
  );

  define(
    r,
    {
      method: "delete",
      path: sessionPath,
      tag,
      action: "public",
      summary: "Sign out",
      description: `Ends the session at once and clears the cookie. Send the \`${csrfHeader}: 1\` header.`,
      responses: {
        204: { description: "Signed out" },
        403: { description: "forbidden (no CSRF header)" },
        ...errorResponses,
      },
    },
    async ({ req }) => {
      refuseWithoutCsrfHeader(req);
      const token = sessionTokenFrom(req.headers.cookie);
      if (token) await endSession(ctx, token);
      return { status: 204, headers: setCookie(req, "", 0) };
    },
  );

  return r;
}
