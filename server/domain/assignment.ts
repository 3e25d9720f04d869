/**
 * Automatic assignment (CONTRACT §8 round-robin). A conversation waits (a row in
 * `waiting_conversations`) from its first visitor message, or from `route`, until an agent takes
 * it; `routeWaiting` hands a site's waiting conversations out, oldest first, to the agents
 * `pickAssignee` chooses. It runs inside a write's transaction under the site row's lock
 * (PostgreSQL: SELECT … FOR NO KEY UPDATE; SQLite has one writer), so that two nodes never decide for
 * one site at once: open counts are read under the lock, no agent goes past `maxOpen`, and a
 * conversation is given once. Idempotent: a run with nothing to do changes nothing.
 */
import type { Assignment } from "../../shared/schemas/index.ts";
import type { AgentRole } from "../../shared/schemas/agent.ts";
import { json, write, type Ctx, type Emit, type Trx } from "./context.ts";
import { can } from "./permissions.ts";
import { connectedAgents } from "./availability.ts";
import { pickAssignee, type Candidate } from "./round-robin.ts";
import { conversationView } from "./views.ts";
import type { ConversationRow, SiteRow } from "../store/tables.ts";
import { prepared } from "../store/prepared.ts";

/** The statuses that count towards an agent's open conversations (and that may wait). */
const OPEN_STATUSES = ["open", "waiting"];
/** How many waiting conversations one query reads (the line is read in pages, oldest first). */
const BATCH = 200;

export function assignmentOf(site: Pick<SiteRow, "assignment">): Assignment {
  return json.parse<Assignment>(site.assignment, { mode: "manual", maxOpen: 5 });
}

/**
 * A visitor wrote to an unassigned conversation that was not waiting yet: it waits from now on,
 * and under round-robin the site's waiting conversations are handed out at once (oldest first,
 * so this one after those before it).
 */
export async function startWaiting(ctx: Ctx, trx: Trx, emit: Emit, row: ConversationRow): Promise<string | null> {
  return (await startWaitingAll(ctx, trx, emit, [row])).get(row.id) ?? null;
}

const waitingAmong = prepared<{ ids: string[] }, { conversation_id: string }>((db, b) =>
  db
    .selectFrom("waiting_conversations")
    .select("conversation_id")
    .where(b.oneOf("conversation_id", "ids", "text")),
);

/**
 * startWaiting for many conversations at once (a batch of messages): a fixed number of statements.
 * `known`: the conversations among `rows` that wait already, if the caller read that in this
 * transaction (after locking them); absent: read here.
 */
export async function startWaitingAll(
  ctx: Ctx,
  trx: Trx,
  emit: Emit,
  rows: ConversationRow[],
  known?: Set<string>,
): Promise<Map<string, string>> {
  const candidates = rows.filter((r) => r.assignee === null && OPEN_STATUSES.includes(r.status));
  if (candidates.length === 0) return new Map();
  const ids = candidates.map((r) => r.id);
  const waiting = known ?? new Set((await waitingAmong.execute(trx, { ids })).map((w) => w.conversation_id));
  const fresh = candidates.filter((r) => !waiting.has(r.id));
  if (fresh.length === 0) return new Map();
  const since = ctx.now();
  await trx
    .insertInto("waiting_conversations")
    .values(fresh.map((r) => ({ conversation_id: r.id, site_id: r.site_id, since })))
    .execute();
  const assigned = new Map<string, string>();
  for (const siteId of new Set(fresh.map((r) => r.site_id)))
    for (const [id, agent] of await routeWaitingIn(ctx, trx, emit, siteId)) assigned.set(id, agent);
  return assigned;
}

/** `route`: the conversation waits again, from now (CONTRACT §3), and is handed out like any other. */
export async function waitAgain(ctx: Ctx, trx: Trx, emit: Emit, row: ConversationRow): Promise<string | null> {
  await trx.deleteFrom("waiting_conversations").where("conversation_id", "=", row.id).execute();
  return startWaiting(ctx, trx, emit, { ...row, assignee: null, status: "open" });
}

/** Someone took the conversation by hand, or it was solved or closed: it waits no longer. */
export async function stopWaiting(trx: Trx, conversationId: string): Promise<void> {
  await trx.deleteFrom("waiting_conversations").where("conversation_id", "=", conversationId).execute();
}

/**
 * The site's row, locked until the transaction ends (PostgreSQL; SQLite has one writer). FOR NO
 * KEY UPDATE, not FOR UPDATE: inserting a conversation takes KEY SHARE on its site (the foreign
 * key), which FOR UPDATE would wait for, and two starting visitors would deadlock.
 */
async function lockSite(ctx: Ctx, trx: Trx, siteId: string): Promise<SiteRow | undefined> {
  let q = trx.selectFrom("sites").selectAll().where("id", "=", siteId);
  if (ctx.dialect === "postgres") q = q.forNoKeyUpdate();
  return q.executeTakeFirst();
}

/** Every agent who may work on the site, as round-robin sees them now (read under the site lock). */
export async function candidatesFor(ctx: Ctx, trx: Trx, siteId: string): Promise<Candidate[]> {
  const rows = (await trx.selectFrom("agents").selectAll().where("active", "=", 1).execute()).filter((r) =>
    can({ kind: "agent", agentId: r.id, name: r.name, role: r.role as AgentRole }, "conversation.read", { siteId }),
  );
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const connected = await connectedAgents(ctx, ids);
  const counts = await trx
    .selectFrom("conversations")
    .select(["assignee", (eb) => eb.fn.countAll<number | string>().as("n")])
    .where("site_id", "=", siteId)
    .where("assignee", "in", ids)
    .where("status", "in", OPEN_STATUSES)
    .groupBy("assignee")
    .execute();
  const last = await trx.selectFrom("agent_assignments").selectAll().where("agent_id", "in", ids).execute();
  return rows.map((r) => ({
    id: r.id,
    online: connected.has(r.id) && Number(r.away) === 0,
    queues: json.parse<string[]>(r.queues, []),
    open: Number(counts.find((c) => c.assignee === r.id)?.n ?? 0),
    lastAssignedAt: last.find((l) => l.agent_id === r.id)?.last_assigned_at ?? null,
  }));
}

/**
 * Hands the site's waiting conversations out, oldest first, inside the caller's transaction.
 * A conversation nobody can take now (its queue's agents are away or full) stays waiting and the
 * next one is tried. Returns conversation id → agent id for what it assigned.
 */
export async function routeWaitingIn(ctx: Ctx, trx: Trx, emit: Emit, siteId: string): Promise<Map<string, string>> {
  const assigned = new Map<string, string>();
  // A manual site takes no lock: its visitors' first messages do not take turns.
  const rule = await trx.selectFrom("sites").select("assignment").where("id", "=", siteId).executeTakeFirst();
  if (!rule || assignmentOf(rule).mode !== "round_robin") return assigned;
  const site = await lockSite(ctx, trx, siteId);
  if (!site) return assigned;
  const { mode, maxOpen } = assignmentOf(site);
  if (mode !== "round_robin") return assigned;
  let candidates: Candidate[] = [];
  let read = false;
  const hasRoom = () => candidates.some((c) => c.online && c.open < maxOpen);
  // Pages through the line, oldest first, while anyone online has room.
  for (let after: { since: string; id: string } | null = null; ;) {
    let page = trx
      .selectFrom("waiting_conversations")
      .innerJoin("conversations", "conversations.id", "waiting_conversations.conversation_id")
      .selectAll("conversations")
      .select("waiting_conversations.since as waiting_since")
      .where("waiting_conversations.site_id", "=", siteId);
    if (after) {
      const { since, id } = after;
      page = page.where((eb) =>
        eb.or([
          eb("waiting_conversations.since", ">", since),
          eb.and([eb("waiting_conversations.since", "=", since), eb("waiting_conversations.conversation_id", ">", id)]),
        ]),
      );
    }
    const waiting = await page
      .orderBy("waiting_conversations.since")
      .orderBy("waiting_conversations.conversation_id")
      .limit(BATCH)
      .execute();
    if (waiting.length === 0) break;
    if (!read) [candidates, read] = [await candidatesFor(ctx, trx, siteId), true];
    if (!hasRoom()) break;
    for (const { waiting_since: _since, ...row } of waiting) {
      // Someone assigned it by hand, or it was solved or closed meanwhile: it waits no longer.
      if (row.assignee !== null || !OPEN_STATUSES.includes(row.status)) {
        await trx.deleteFrom("waiting_conversations").where("conversation_id", "=", row.id).execute();
        continue;
      }
      const agentId = pickAssignee(candidates, row.queue, maxOpen);
      if (!agentId || !(await assign(ctx, trx, emit, row, agentId))) continue;
      const taker = candidates.find((c) => c.id === agentId)!;
      taker.open += 1;
      taker.lastAssignedAt = ctx.now();
      assigned.set(row.id, agentId);
      if (!hasRoom()) return assigned;
    }
    const last = waiting[waiting.length - 1]!;
    after = { since: last.waiting_since, id: last.id };
  }
  return assigned;
}

/** Gives one waiting conversation to an agent, if it is still unassigned, and tells who listens. */
async function assign(ctx: Ctx, trx: Trx, emit: Emit, row: ConversationRow, agentId: string): Promise<boolean> {
  const now = ctx.now();
  const done = await trx
    .updateTable("conversations")
    .set({ assignee: agentId, updated_at: now })
    .where("id", "=", row.id)
    // Read again after any concurrent writer to the row committed (PostgreSQL): assigned or solved
    // by hand meanwhile, it is not given.
    .where("assignee", "is", null)
    .where("status", "in", OPEN_STATUSES)
    .executeTakeFirst();
  await trx.deleteFrom("waiting_conversations").where("conversation_id", "=", row.id).execute();
  if (Number(done.numUpdatedRows) === 0) return false;
  const recorded = await trx
    .updateTable("agent_assignments")
    .set({ last_assigned_at: now })
    .where("agent_id", "=", agentId)
    .executeTakeFirst();
  if (Number(recorded.numUpdatedRows) === 0)
    await trx.insertInto("agent_assignments").values({ agent_id: agentId, last_assigned_at: now }).execute();
  const conversation = await conversationView(trx, { ...row, assignee: agentId, updated_at: now });
  emit({
    type: "conversation.updated",
    siteId: row.site_id,
    conversationId: row.id,
    conversation,
    changed: ["assignee"],
  });
  return true;
}

/**
 * The assigner's run for one site, in its own transaction: safe to run on every node at once
 * (the site lock orders them; the second finds nothing left to do).
 */
export async function routeWaiting(ctx: Ctx, siteId: string): Promise<number> {
  return (await write(ctx, (trx, emit) => routeWaitingIn(ctx, trx, emit, siteId))).size;
}

/** Every round-robin site with conversations waiting (a manual site's wait until it switches). */
export async function sitesWithWaiting(ctx: Ctx): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom("sites")
    .select(["id", "assignment"])
    .where("id", "in", (eb) => eb.selectFrom("waiting_conversations").select("site_id"))
    .execute();
  return rows.filter((r) => assignmentOf(r).mode === "round_robin").map((r) => r.id);
}
