import type { Agent, AgentInput } from "../../shared/schemas/index.ts";
import { write, type Ctx, type Principal } from "./context.ts";
import { authorize } from "./permissions.ts";
import { hashPassword, newId, verifyPassword } from "./secrets.ts";
import { notFound, ParleyError } from "./errors.ts";
import { agentView } from "./views.ts";
import { agentViews, agentWithAvailability } from "./availability.ts";
import { isUniqueViolation } from "../store/db.ts";
import type { AgentRow } from "../store/tables.ts";

export async function createAgent(ctx: Ctx, p: Principal, input: AgentInput): Promise<Agent> {
  authorize(p, "agent.create");
  if (input.role === "owner") authorize(p, "agent.owner.manage");
  const row: AgentRow = {
    id: newId("agent"),
    name: input.name,
    email: input.email.toLowerCase(),
    role: input.role ?? "agent",
    password_hash: await hashPassword(input.password),
    active: 1,
    away: 0,
    queues: "[]",
    email_notifications: 0,
    created_at: ctx.now(),
  };
  try {
    await write(ctx, (trx) => trx.insertInto("agents").values(row).execute());
  } catch (err) {
    if (isUniqueViolation(err))
      throw new ParleyError("conflict", "An agent with this email already exists", [
        { path: "email", message: "already taken" },
      ]);
    throw err;
  }
  return agentView(row);
}

/** Every agent may list the team: the inbox shows names and assignees. */
export async function listAgents(ctx: Ctx, p: Principal): Promise<Agent[]> {
  authorize(p, "agent.read");
  return agentViews(ctx, await ctx.db.selectFrom("agents").selectAll().orderBy("created_at").execute());
}

export async function getAgent(ctx: Ctx, p: Principal, id: string): Promise<Agent> {
  authorize(p, "agent.read");
  return agentWithAvailability(ctx, await agentRow(ctx, id));
}

export async function agentRow(ctx: Ctx, id: string): Promise<AgentRow> {
  const row = await ctx.db.selectFrom("agents").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound("Agent");
  return row;
}

/** Whether work may be given to this agent: it exists and is active (a deactivated agent gets none). */
export async function agentAssignable(ctx: Ctx, id: string): Promise<boolean> {
  const row = await ctx.db.selectFrom("agents").select("active").where("id", "=", id).executeTakeFirst();
  return !!row?.active;
}

/** The agent for these credentials, or null; the caller never learns which of the two was wrong. */
export async function checkCredentials(ctx: Ctx, email: string, password: string): Promise<Agent | null> {
  const row = await ctx.db
    .selectFrom("agents")
    .selectAll()
    .where("email", "=", email.trim().toLowerCase())
    .executeTakeFirst();
  // Hash even for an unknown email so that timing does not tell which part was wrong.
  const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
  return row && ok ? agentView(row) : null;
}
const DUMMY_HASH = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

/** First start with no agents: the owner admin@localhost, with the pinned or a fresh password. */
export async function ensureOwner(
  ctx: Ctx,
  pinnedPassword: string | undefined,
  freshPassword: () => string,
): Promise<{ created: boolean; password?: string }> {
  const any = await ctx.db.selectFrom("agents").select("id").limit(1).executeTakeFirst();
  if (any) {
    if (pinnedPassword) {
      const owner = await ctx.db
        .selectFrom("agents")
        .selectAll()
        .where("email", "=", "admin@localhost")
        .executeTakeFirst();
      if (owner && !(await verifyPassword(pinnedPassword, owner.password_hash))) {
        await ctx.db
          .updateTable("agents")
          .set({ password_hash: await hashPassword(pinnedPassword) })
          .where("id", "=", owner.id)
          .execute();
      }
    }
    return { created: false };
  }
  const password = pinnedPassword ?? freshPassword();
  await createAgent(ctx, { kind: "system" }, { name: "Admin", email: "admin@localhost", password, role: "owner" });
  return { created: true, password };
}
