import type { Agent, AgentPatch } from "../../shared/schemas/index.ts";
import { json, write, type Ctx, type Principal, type Trx } from "./context.ts";
import { authorize } from "./permissions.ts";
import { hashPassword } from "./secrets.ts";
import { ParleyError } from "./errors.ts";
import { agentRow } from "./agents.ts";
import { endAgentSessions } from "./agent-sessions.ts";
import { agentWithAvailability } from "./availability.ts";
import type { AgentRow } from "../store/tables.ts";

/**
 * PATCH /v1/agents/{id}. An agent may change its own name, password, away flag and email
 * notifications; role, active and queues are the managers' (owners, admins, admin tokens), and
 * only owners and admin tokens grant or take away `owner` or change an owner. The last active owner stays: demoting or deactivating it is
 * 409. Deactivating ends the agent's sessions in the same transaction, and their sockets are
 * cut on every node once it commits.
 */
export async function updateAgent(ctx: Ctx, p: Principal, id: string, patch: AgentPatch): Promise<Agent> {
  const target = await agentRow(ctx, id);
  const self = p.kind === "agent" && p.agentId === id;
  if (
    patch.name !== undefined ||
    patch.password !== undefined ||
    patch.away !== undefined ||
    patch.emailNotifications !== undefined
  )
    authorize(p, "agent.update", { agentId: id });
  const managing = patch.role !== undefined || patch.active !== undefined || patch.queues !== undefined;
  if (managing) authorize(p, "agent.manage", { agentId: id });
  if (patch.role === "owner" || (target.role === "owner" && (managing || !self)))
    authorize(p, "agent.owner.manage", { agentId: id });
  const passwordHash = patch.password !== undefined ? await hashPassword(patch.password) : undefined;

  const updated = await write(ctx, async (trx, emit) => {
    const row = await lockAgent(ctx, trx, id);
    const next: AgentRow = {
      ...row,
      name: patch.name ?? row.name,
      role: patch.role ?? row.role,
      active: patch.active === undefined ? row.active : patch.active ? 1 : 0,
      password_hash: passwordHash ?? row.password_hash,
      away: patch.away === undefined ? row.away : patch.away ? 1 : 0,
      queues: patch.queues === undefined ? row.queues : json.stringify([...new Set(patch.queues)]),
      email_notifications:
        patch.emailNotifications === undefined ? row.email_notifications : patch.emailNotifications ? 1 : 0,
    };
    const wasOwner = row.role === "owner" && Number(row.active) === 1;
    const staysOwner = next.role === "owner" && Number(next.active) === 1;
    if (wasOwner && !staysOwner && (await otherActiveOwners(trx, id)) === 0)
      throw new ParleyError("conflict", "This is the last active owner: make another agent owner first", [
        { path: patch.active === false ? "active" : "role", message: "the team needs an active owner" },
      ]);
    await trx
      .updateTable("agents")
      .set({
        name: next.name,
        role: next.role,
        active: next.active,
        password_hash: next.password_hash,
        away: next.away,
        queues: next.queues,
        email_notifications: next.email_notifications,
      })
      .where("id", "=", id)
      .execute();
    if (Number(next.active) === 0 && Number(row.active) === 1) await endAgentSessions(trx, emit, id);
    emit({ type: "agent.updated", agentId: id });
    return next;
  });
  return agentWithAvailability(ctx, updated);
}

/** Agents are locked in one order (by the owners' rows first) so that two demotions cannot both pass. */
async function lockAgent(ctx: Ctx, trx: Trx, id: string): Promise<AgentRow> {
  if (ctx.dialect === "postgres")
    await trx
      .selectFrom("agents")
      .select("id")
      .where((eb) => eb.or([eb("role", "=", "owner"), eb("id", "=", id)]))
      .orderBy("id")
      .forUpdate()
      .execute();
  return trx.selectFrom("agents").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
}

async function otherActiveOwners(trx: Trx, id: string): Promise<number> {
  const r = await trx
    .selectFrom("agents")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("role", "=", "owner")
    .where("active", "=", 1)
    .where("id", "!=", id)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
