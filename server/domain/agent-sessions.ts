import crypto from "node:crypto";
import type { Agent } from "../../shared/schemas/index.ts";
import type { Ctx, Emit, Principal, Trx } from "./context.ts";
import { ParleyError } from "./errors.ts";
import { hashToken } from "./secrets.ts";
import { checkCredentials } from "./agents.ts";
import { agentView } from "./views.ts";

/** How long a sign-in lasts; each use within the last half of it extends it again. */
export const SESSION_TTL_MS = 14 * 24 * 60 * 60 * 1000;

export interface AgentSession {
  /** The secret the browser holds (in a cookie); only its hash is stored. */
  token: string;
  agent: Agent;
  expiresAt: string;
}

/**
 * Signs an agent in: checks email and password and stores a new session, or answers null
 * (never telling whether the email or the password was wrong). A deactivated agent with the
 * right password is refused with 403.
 */
export async function signIn(ctx: Ctx, email: string, password: string): Promise<AgentSession | null> {
  const agent = await checkCredentials(ctx, email, password);
  if (!agent) return null;
  if (!agent.active)
    throw new ParleyError("forbidden", "This agent is deactivated: an owner or admin can reactivate it");
  const token = crypto.randomBytes(32).toString("base64url");
  const now = ctx.now();
  const expiresAt = new Date(Date.parse(now) + SESSION_TTL_MS).toISOString();
  await ctx.db
    .insertInto("agent_sessions")
    .values({ id: hashToken(token), agent_id: agent.id, created_at: now, expires_at: expiresAt })
    .execute();
  // Expired sessions of this agent go when it signs in again: the table does not grow forever.
  await ctx.db.deleteFrom("agent_sessions").where("agent_id", "=", agent.id).where("expires_at", "<", now).execute();
  return { token, agent, expiresAt };
}

export interface ResolvedSession {
  agent: Agent;
  principal: Principal;
  /** The stored id of the session (the token's hash): names it in events and socket rooms. */
  sessionId: string;
  expiresAt: string;
}

/**
 * The signed-in agent for a session token, or null when unknown or expired. A use in the last
 * half of the session's life extends it, unless `extend` is false (live sockets: an open socket
 * alone does not keep a session alive).
 */
export async function resolveSession(
  ctx: Ctx,
  token: string,
  opts: { extend?: boolean } = {},
): Promise<ResolvedSession | null> {
  if (!token || token.length > 200) return null;
  const id = hashToken(token);
  const row = await ctx.db
    .selectFrom("agent_sessions")
    .innerJoin("agents", "agents.id", "agent_sessions.agent_id")
    .selectAll("agents")
    .select(["agent_sessions.expires_at as expires_at"])
    .where("agent_sessions.id", "=", id)
    .executeTakeFirst();
  if (!row) return null;
  if (Number(row.active) !== 1) {
    await deleteSession(ctx, id);
    return null;
  }
  const now = ctx.now();
  if (row.expires_at <= now) {
    await deleteSession(ctx, id);
    return null;
  }
  let expiresAt = row.expires_at;
  if (opts.extend !== false && Date.parse(row.expires_at) - Date.parse(now) < SESSION_TTL_MS / 2) {
    expiresAt = new Date(Date.parse(now) + SESSION_TTL_MS).toISOString();
    await ctx.db.updateTable("agent_sessions").set({ expires_at: expiresAt }).where("id", "=", id).execute();
  }
  const agent = agentView(row);
  return {
    agent,
    principal: { kind: "agent", agentId: agent.id, name: agent.name, role: agent.role },
    sessionId: id,
    expiresAt,
  };
}

/** Signs out: the session token stops working at once, and its live sockets are cut. */
export async function endSession(ctx: Ctx, token: string): Promise<void> {
  if (!token || token.length > 200) return;
  await deleteSession(ctx, hashToken(token));
}

async function deleteSession(ctx: Ctx, sessionId: string): Promise<void> {
  const gone = await ctx.db
    .deleteFrom("agent_sessions")
    .where("id", "=", sessionId)
    .returning("agent_id")
    .executeTakeFirst();
  if (gone) ctx.bus.publish({ type: "agent.session.ended", agentId: gone.agent_id, sessionId });
}

/** Ends every session of an agent (deactivated) inside the caller's transaction; its sockets are cut after commit. */
export async function endAgentSessions(trx: Trx, emit: Emit, agentId: string): Promise<void> {
  const gone = await trx.deleteFrom("agent_sessions").where("agent_id", "=", agentId).returning("id").execute();
  for (const { id } of gone) emit({ type: "agent.session.ended", agentId, sessionId: id });
}
