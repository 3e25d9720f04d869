import { sql } from "kysely";
import type { Conversation, Message, TypedMessageInput } from "../../shared/schemas/index.ts";
import type { Ctx, Emit, Principal, Trx } from "./context.ts";
import { newId } from "./secrets.ts";
import { authorize } from "./permissions.ts";
import { closed, notFound, ParleyError } from "./errors.ts";
import { conversationViews, messageView } from "./views.ts";
import { conversationResource } from "./conversations.ts";
import type { ConversationRow, MessageRow } from "../store/tables.ts";
import { indexInsertedMessages, withSearchColumns } from "../store/search-messages.ts";
import type { DomainEvent } from "../events/bus.ts";
import { startWaitingAll } from "./assignment.ts";

/**
 * Storing messages, set-oriented: one call stores any number of messages (to one or many
 * conversations) in the caller's transaction with a fixed number of statements — the
 * conversations read (and locked), their idempotency keys looked up, the messages inserted, the
 * conversations moved along, the waiting line and the views — so that a batch of concurrent
 * writes (message-queue.ts) costs about what one costs. A single message is a batch of one.
 */

export interface SenderInput {
  type: "contact" | "agent" | "bot" | "system";
  id: string | null;
  name: string | null;
}

export interface MessageRequest {
  conversationId: string;
  input: TypedMessageInput & { streaming?: boolean };
  sender: SenderInput;
  idempotencyKey: string | null;
  /** Checked against the conversation (message.create) before anything is stored; absent: the caller did. */
  principal?: Principal;
}

export interface StoredMessage {
  message: Message;
  created: boolean;
  /** The conversation as this message left it (a stored message found again: absent). */
  conversation?: Conversation;
  row?: ConversationRow;
}

/** Each request's outcome, in order: what was stored (or found), or why it was refused. */
export type MessageOutcome = { ok: true; value: StoredMessage } | { ok: false; error: ParleyError };

const LOCK_CHUNK = 500;
const INSERT_CHUNK = 200;

/**
 * Stores `requests` in order inside `trx` and tells `message.created` (and a reopening's
 * `conversation.updated`) for each, then the assignments they caused. A request that may not
 * write (unknown or foreign conversation, closed) is refused alone: it is found out before
 * anything is written. Unexpected database errors reject the whole call.
 */
export async function insertMessages(
  ctx: Ctx,
  trx: Trx,
  emit: Emit,
  requests: MessageRequest[],
): Promise<MessageOutcome[]> {
  const rows = await lockConversations(ctx, trx, [...new Set(requests.map((r) => r.conversationId))]);
  const existing = await storedByKey(trx, requests);
  const outcomes: (MessageOutcome | null)[] = [];
  const current = new Map<string, ConversationRow>();
  const inserted: MessageRow[] = [];
  const snapshots: ConversationRow[] = [];
  const index: number[] = []; // outcome index → snapshot index
  const reopened = new Set<number>();
  const insertedKeys = new Map<string, number>(); // conversation + key → outcome index
  const now = ctx.now();
  for (const r of requests) {
    let row = current.get(r.conversationId) ?? rows.get(r.conversationId);
    try {
      if (r.principal) {
        authorize(r.principal, "message.create", undefined, "Conversation");
        if (!row) throw notFound("Conversation");
        authorize(r.principal, "message.create", conversationResource(row), "Conversation");
      }
      if (!row) throw notFound("Conversation");
      const keyOf = r.idempotencyKey ? `${r.conversationId}\u0000${r.idempotencyKey}` : null;
      const found = keyOf ? existing.get(keyOf) : undefined;
      if (found) {
        outcomes.push({ ok: true, value: { message: messageView(found), created: false } });
        continue;
      }
      const twin = keyOf ? insertedKeys.get(keyOf) : undefined;
      if (twin !== undefined) {
        outcomes.push({ ok: true, value: { message: messageView(inserted[index[twin]!]!), created: false } });
        continue;
      }
      if (row.status === "closed") throw closed();
      const seq = Number(row.last_seq) + 1;
      const id = newId("message");
      const s = r.sender;
      const fromAgentSide = s.type === "agent" || s.type === "bot";
      // The agent side has read what it sends; only a human agent's message is a first response
      // (a bot's answer before routing to a person is not). A visitor writing again reopens a solved conversation.
      const reopens = s.type === "contact" && row.status === "solved";
      row = {
        ...row,
        last_seq: seq,
        updated_at: now,
        last_message_id: id,
        read_agent: fromAgentSide ? seq : row.read_agent,
        read_contact: s.type === "contact" ? seq : row.read_contact,
        first_response_at: s.type === "agent" ? (row.first_response_at ?? now) : row.first_response_at,
        status: reopens ? "open" : row.status,
      };
      current.set(r.conversationId, row);
      if (keyOf) insertedKeys.set(keyOf, outcomes.length);
      if (reopens) reopened.add(outcomes.length);
      index[outcomes.length] = snapshots.length;
      snapshots.push(row);
      inserted.push({
        id,
        conversation_id: r.conversationId,
        seq,
        sender_type: s.type,
        sender_id: s.id,
        sender_name: s.name,
        type: r.input.type,
        content: JSON.stringify(r.input.content),
        state: r.input.streaming ? "streaming" : "complete",
        idempotency_key: r.idempotencyKey,
        created_at: now,
      });
      outcomes.push(null);
    } catch (err) {
      if (!(err instanceof ParleyError)) throw err;
      outcomes.push({ ok: false, error: err });
    }
  }
  if (inserted.length === 0) return outcomes as MessageOutcome[];

  for (let i = 0; i < inserted.length; i += INSERT_CHUNK)
    await trx
      .insertInto("messages")
      .values(inserted.slice(i, i + INSERT_CHUNK).map((m) => withSearchColumns(trx, m)))
      .execute();
  await indexInsertedMessages(trx, inserted);
  await saveConversations(trx, [...current.values()]);

  // A visitor writing to an unassigned conversation makes it wait; round-robin may assign it now,
  // announced after the messages.
  const assignments: DomainEvent[] = [];
  const contactWrote = [...current.values()].filter((c) =>
    requests.some((r, i) => outcomes[i] === null && r.conversationId === c.id && r.sender.type === "contact"),
  );
  const assignees = await startWaitingAll(ctx, trx, (e) => assignments.push(e), contactWrote);
  const withAssignee = snapshots.map((row) => {
    const assignee = assignees.get(row.id);
    return assignee ? { ...row, assignee } : row;
  });
  const views = await conversationViews(trx, withAssignee, inserted);
  for (const [i, outcome] of outcomes.entries()) {
    if (outcome !== null) continue;
    const at = index[i]!;
    const row = withAssignee[at]!;
    const message = messageView(inserted[at]!);
    const conversation = views[at]!;
    const base = { siteId: row.site_id, conversationId: row.id };
    emit({ type: "message.created", ...base, message, conversation, idempotencyKey: inserted[at]!.idempotency_key });
    if (reopened.has(i)) emit({ type: "conversation.updated", ...base, conversation, changed: ["status"] });
    outcomes[i] = { ok: true, value: { message, created: true, conversation, row } };
  }
  assignments.forEach(emit);
  return outcomes as MessageOutcome[];
}

/** The conversations, read once (PostgreSQL: locked, in id order, so that batches never deadlock). */
async function lockConversations(ctx: Ctx, trx: Trx, ids: string[]): Promise<Map<string, ConversationRow>> {
  const rows = new Map<string, ConversationRow>();
  const sorted = [...ids].sort();
  for (let i = 0; i < sorted.length; i += LOCK_CHUNK) {
    let q = trx
      .selectFrom("conversations")
      .selectAll()
      .where("id", "in", sorted.slice(i, i + LOCK_CHUNK))
      .orderBy("id");
    if (ctx.dialect === "postgres") q = q.forNoKeyUpdate();
    for (const row of await q.execute()) rows.set(row.id, row);
  }
  return rows;
}

/** Messages already stored under the requests' idempotency keys, by conversation and key. */
async function storedByKey(trx: Trx, requests: MessageRequest[]): Promise<Map<string, MessageRow>> {
  const found = new Map<string, MessageRow>();
  const keyed = requests.filter((r) => r.idempotencyKey);
  for (let i = 0; i < keyed.length; i += LOCK_CHUNK) {
    const chunk = keyed.slice(i, i + LOCK_CHUNK);
    // Pairs, not two lists: two IN lists would probe every conversation with every key.
    const pairs = chunk.map((r) => sql`(cast(${r.conversationId} as text), cast(${r.idempotencyKey} as text))`);
    const rows = await trx
      .selectFrom("messages")
      .selectAll()
      .where(sql<boolean>`(conversation_id, idempotency_key) in (values ${sql.join(pairs)})`)
      .execute();
    for (const row of rows) found.set(`${row.conversation_id}\u0000${row.idempotency_key}`, row);
  }
  return found;
}

/** Writes each conversation's new state (seq, markers, last message, status) in one UPDATE per chunk. */
async function saveConversations(trx: Trx, rows: ConversationRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += LOCK_CHUNK) {
    const values = rows.slice(i, i + LOCK_CHUNK).map(
      (r) =>
        sql`(cast(${r.id} as text), cast(${Number(r.last_seq)} as integer), cast(${Number(r.read_contact)} as integer),
          cast(${Number(r.read_agent)} as integer), cast(${r.last_message_id} as text), cast(${r.updated_at} as text),
          cast(${r.first_response_at} as text), cast(${r.status} as text))`,
    );
    await sql`with v (id, last_seq, read_contact, read_agent, last_message_id, updated_at, first_response_at, status)
      as (values ${sql.join(values)})
      update conversations set last_seq = v.last_seq, read_contact = v.read_contact, read_agent = v.read_agent,
        last_message_id = v.last_message_id, updated_at = v.updated_at, first_response_at = v.first_response_at,
        status = v.status
      from v where conversations.id = v.id`.execute(trx);
  }
}
