import type { Insertable, Transaction } from "kysely";
import type { Conversation, Message } from "../../shared/schemas/index.ts";
import type { LoggedEvent } from "../events/log.ts";
import type { Consumer } from "../events/log-consumers.ts";
import type { Database, ReportConversationsTable } from "../store/tables.ts";
import { markRepeats } from "./repeats.ts";

/**
 * The `reports` consumer of the event log (docs/reports.md): it turns each conversation's events
 * into the facts the summary counts, so that reports read history (who answered first, when it
 * was first solved) and never a row's current state.
 *
 * - first contact message: the first `message.created` from the contact;
 * - first response: the first human agent message (sender `agent`, not a bot) after it;
 * - resolution: the first time the status became `solved` or `closed`;
 * - every assignment, solve and close, with the assignee at that moment (`report_changes`);
 * - the rating the conversation holds now, with the assignee when it was given. A conversation
 *   solved again after a reopen holds no rating until the visitor rates it again, so the latest
 *   rating is the one counted, and an earlier one stops counting once it no longer stands.
 */

type Row = ReportConversationsTable;
const resolved = (status: string) => status === "solved" || status === "closed";

interface Parsed {
  conversation?: Conversation;
  message?: Message;
  changed?: string[];
}

/** Applies a batch of events, conversation by conversation, in log order. */
export async function project(events: LoggedEvent[], trx: Transaction<Database>): Promise<void> {
  const relevant = events.filter(
    (e) => e.subject && (e.type.startsWith("conversation.") || e.type === "message.created"),
  );
  const unique = [...new Set(relevant.map((e) => e.subject!))];
  if (unique.length === 0) return;
  const rows = new Map<string, Row>();
  for (let i = 0; i < unique.length; i += 500) {
    const found = await trx
      .selectFrom("report_conversations")
      .selectAll()
      .where("conversation_id", "in", unique.slice(i, i + 500))
      .execute();
    for (const r of found) rows.set(r.conversation_id, r);
  }
  const known = new Set(rows.keys());
  const changed = new Set<string>();
  const changes: Insertable<Database["report_changes"]>[] = [];
  for (const e of relevant) {
    const data = JSON.parse(e.data) as Parsed;
    const c = data.conversation;
    if (!c || !e.subject) continue;
    let row = rows.get(c.id);
    if (!row) {
      row = {
        conversation_id: c.id,
        site_id: c.siteId,
        status: c.status,
        queue: c.queue,
        assignee: null,
        created_at: c.createdAt,
        first_contact_at: null,
        first_response_at: null,
        first_responder: null,
        resolved_at: null,
        rating_score: null,
        rated_at: null,
        rating_agent: null,
        created_ms: 0,
        resolved_ms: null,
        rated_ms: null,
        response_ms: null,
        resolution_ms: null,
      };
      rows.set(c.id, row);
    }
    const before = { ...row };
    apply(row, e, data, changes);
    if (JSON.stringify(before) !== JSON.stringify(row) || !known.has(row.conversation_id)) changed.add(c.id);
  }
  await save(
    trx,
    [...changed].map((id) => rows.get(id)!),
    known,
  );
  if (!changes.length) return;
  await markRepeats(trx, changes);
  await trx.insertInto("report_changes").values(changes).execute();
}

function apply(row: Row, e: LoggedEvent, data: Parsed, changes: Insertable<Database["report_changes"]>[]): void {
  const c = data.conversation!;
  if (e.type === "message.created" && data.message) {
    const m = data.message;
    if (m.sender.type === "contact" && !row.first_contact_at) row.first_contact_at = m.createdAt;
    else if (m.sender.type === "agent" && row.first_contact_at && !row.first_response_at) {
      row.first_response_at = m.createdAt;
      row.first_responder = m.sender.id ?? null;
    }
  }
  // The state the filters and the history read changes only with the conversation's own events
  // (a message's snapshot may already show the assignment announced right after it).
  if (e.type !== "conversation.updated" && e.type !== "conversation.created") return;
  const at = c.updatedAt;
  const was = e.type === "conversation.created" ? null : row.status;
  if (c.assignee && (c.assignee !== row.assignee || was === null))
    changes.push({ conversation_id: c.id, kind: "assigned", agent_id: c.assignee, created_at: at, created_ms: ms(at) });
  if (resolved(c.status) && c.status !== was) {
    changes.push({ conversation_id: c.id, kind: c.status, agent_id: c.assignee, created_at: at, created_ms: ms(at) });
    row.resolved_at ??= at;
  }
  row.status = c.status;
  row.queue = c.queue;
  row.assignee = c.assignee;
  const rating = c.rating;
  if (!rating) {
    row.rating_score = row.rated_at = row.rating_agent = null;
  } else if (rating.createdAt !== row.rated_at) {
    row.rating_score = rating.score;
    row.rated_at = rating.createdAt;
    row.rating_agent = c.assignee;
  }
}

const ms = (iso: string) => Date.parse(iso);
const msOrNull = (iso: string | null) => (iso === null ? null : Date.parse(iso));

type Millis = "created_ms" | "resolved_ms" | "rated_ms" | "response_ms" | "resolution_ms";

/** The integers the summary reads (migration 0020), from the row's ISO instants. */
export function withMillis(r: Omit<Row, Millis>): Row {
  const created = ms(r.created_at);
  const contact = msOrNull(r.first_contact_at);
  const response = msOrNull(r.first_response_at);
  const resolved = msOrNull(r.resolved_at);
  return {
    ...r,
    created_ms: created,
    resolved_ms: resolved,
    rated_ms: msOrNull(r.rated_at),
    response_ms: contact !== null && response !== null ? response - contact : null,
    resolution_ms: resolved !== null ? resolved - created : null,
  };
}

async function save(trx: Transaction<Database>, changed: Row[], known: Set<string>): Promise<void> {
  const rows = changed.map(withMillis);
  const fresh = rows.filter((r) => !known.has(r.conversation_id));
  for (let i = 0; i < fresh.length; i += 200)
    await trx
      .insertInto("report_conversations")
      .values(fresh.slice(i, i + 200))
      .onConflict((oc) => oc.column("conversation_id").doNothing())
      .execute();
  for (const r of rows.filter((x) => known.has(x.conversation_id))) {
    const { conversation_id, ...set } = r;
    await trx.updateTable("report_conversations").set(set).where("conversation_id", "=", conversation_id).execute();
  }
}

/** The consumer, from the start of the retained log (a new deployment projects its history). */
export const reportsConsumer: Consumer = {
  name: "reports",
  from: "start",
  batchSize: 500,
  handle: project,
};
