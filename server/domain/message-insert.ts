import { PostgresAdapter, sql } from "kysely";
import type { Conversation, Message, TypedMessageInput } from "../../shared/schemas/index.ts";
import type { Ctx, Emit, Principal, Trx } from "./context.ts";
import { newId } from "./secrets.ts";
import { authorize } from "./permissions.ts";
import { closed, notFound, ParleyError } from "./errors.ts";
import { conversationViews, messageView } from "./views.ts";
import { conversationResource } from "./conversations.ts";
import type { ConversationRow, MessageRow } from "../store/tables.ts";
import { writeBatch } from "./message-write.ts";
import { prepared, type Binder } from "../store/prepared.ts";
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
  const { rows, existing } = await readBatch(trx, requests);
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

  const written = await writeBatch(trx, inserted, [...current.values()]);

  // A visitor writing to an unassigned conversation makes it wait; round-robin may assign it now,
  // announced after the messages.
  const assignments: DomainEvent[] = [];
  const contactWrote = [...current.values()].filter((c) =>
    requests.some((r, i) => outcomes[i] === null && r.conversationId === c.id && r.sender.type === "contact"),
  );
  const assignees = await startWaitingAll(ctx, trx, (e) => assignments.push(e), contactWrote, written.waiting);
  const withAssignee = snapshots.map((row) => {
    const assignee = assignees.get(row.id);
    return assignee ? { ...row, assignee } : row;
  });
  const views = await conversationViews(trx, withAssignee, inserted, written);
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

type Key = Pick<MessageRow, "conversation_id" | "idempotency_key">;
const keyRows = (b: Binder<{ keys: Key[] }>) => b.rows("keys", { conversation_id: "text", idempotency_key: "text" });
const messageColumns = sql.raw(
  "id, conversation_id, seq, sender_type, sender_id, sender_name, type, content, state, idempotency_key, created_at",
);

/** The conversations, read once (SQLite; one writer, nothing to lock). */
const conversationsToWrite = prepared<{ ids: string[] }, ConversationRow>((db, b) =>
  db
    .selectFrom("conversations")
    .selectAll()
    .where(b.oneOf("id", "ids", "text")),
);

/** Messages stored under these (conversation, idempotency key) pairs: pairs, not two lists, which would cross them. */
const messagesByKey = prepared<{ keys: Key[] }, MessageRow>(
  (_db, b) => sql<MessageRow>`select ${messageColumns} from messages
    where (conversation_id, idempotency_key) in (${keyRows(b)})`,
);

/**
 * PostgreSQL, in one round trip: the conversations locked (in id order, so that batches never
 * deadlock), each with its messages stored under the batch's keys. The keys are read in the
 * statement's snapshot, which may be older than a lock it waited for: a message another node
 * stored meanwhile under the same key is then missed, and inserting it again breaks the unique
 * index, so the batch is written again one by one (batch-queue.ts) and finds it.
 */
const conversationsLocked = prepared<{ ids: string[]; keys: Key[] }, ConversationRow & { stored_: MessageRow[] }>(
  (_db, b) => sql`with c as (select * from conversations where ${b.oneOf("id", "ids", "text")}
      order by id for no key update),
    s as (select m.conversation_id, json_agg(m) as stored_ from (select ${messageColumns} from messages
      where (conversation_id, idempotency_key) in (${keyRows(b)})) m group by m.conversation_id)
    select c.*, s.stored_ from c left join s on s.conversation_id = c.id order by c.id`,
);

interface BatchRead {
  rows: Map<string, ConversationRow>;
  /** Messages already stored under the requests' idempotency keys, by conversation and key. */
  existing: Map<string, MessageRow>;
}

async function readBatch(trx: Trx, requests: MessageRequest[]): Promise<BatchRead> {
  const ids = [...new Set(requests.map((r) => r.conversationId))].sort();
  const keys = requests
    .filter((r) => r.idempotencyKey)
    .map((r) => ({ conversation_id: r.conversationId, idempotency_key: r.idempotencyKey }));
  const rows = new Map<string, ConversationRow>();
  const existing = new Map<string, MessageRow>();
  const found = (m: MessageRow) => existing.set(`${m.conversation_id}\u0000${m.idempotency_key}`, m);
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    for (const { stored_, ...row } of await conversationsLocked.execute(trx, { ids, keys })) {
      rows.set(row.id, row);
      stored_?.forEach(found);
    }
    return { rows, existing };
  }
  for (const row of await conversationsToWrite.execute(trx, { ids })) rows.set(row.id, row);
  if (keys.length > 0) (await messagesByKey.execute(trx, { keys })).forEach(found);
  return { rows, existing };
}
