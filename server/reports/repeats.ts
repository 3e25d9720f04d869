import type { Insertable, Transaction } from "kysely";
import type { Database } from "../store/tables.ts";

type Change = Insertable<Database["report_changes"]>;

/**
 * Sets each new change's `prev_ms` and `prev_agent_ms` (migration 0021): the instant of the
 * latest change before it of the same kind to the same conversation, and of the same kind,
 * conversation and agent, whether stored already or earlier in `changes` (which are in log
 * order). The summary counts a change for a period when the one before it is older than the
 * period, and so counts each conversation once per figure with a plain count.
 */
export async function markRepeats(trx: Transaction<Database>, changes: Change[]): Promise<void> {
  const last = new Map<string, number>();
  const later = (key: string, at: number) => last.set(key, Math.max(last.get(key) ?? at, at));
  const ids = [...new Set(changes.map((c) => c.conversation_id))];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await trx
      .selectFrom("report_changes")
      .select(["conversation_id", "kind", "agent_id", (eb) => eb.fn.max("created_ms").as("at")])
      .where("conversation_id", "in", ids.slice(i, i + 500))
      .groupBy(["conversation_id", "kind", "agent_id"])
      .execute();
    for (const r of rows) {
      const at = Number(r.at);
      later(keyOf(r.conversation_id, r.kind), at);
      if (r.agent_id) later(keyOf(r.conversation_id, r.kind, r.agent_id), at);
    }
  }
  for (const c of changes) {
    const kind = keyOf(c.conversation_id, c.kind);
    const agent = c.agent_id ? keyOf(c.conversation_id, c.kind, c.agent_id) : null;
    c.prev_ms = last.get(kind) ?? null;
    c.prev_agent_ms = agent ? (last.get(agent) ?? null) : null;
    later(kind, Number(c.created_ms));
    if (agent) later(agent, Number(c.created_ms));
  }
}

const keyOf = (...parts: string[]) => parts.join("\n");
