import { PostgresAdapter, sql, type RawBuilder } from "kysely";
import type { Trx } from "./context.ts";
import type { ContactRow, ConversationRow, MessageRow } from "../store/tables.ts";
import { indexInsertedMessages, messageIndexing, messageWords } from "../store/search-messages.ts";
import { prepared, type Binder } from "../store/prepared.ts";

/**
 * A batch's write (message-insert.ts): its messages inserted (with their search words) and its
 * conversations moved along (seq, read markers, last message, status). On PostgreSQL, where each
 * round trip costs milliseconds under load, that is one statement (data-modifying WITH), which
 * also reads what the batch needs next of each conversation: whether it waits already, its
 * contact and its tags — read after the conversations were locked, as separate reads were. On
 * SQLite (no round trips, no data-modifying WITH) the same SQL runs as separate statements.
 */

/** What the write read on the way (PostgreSQL); absent: the caller reads it. */
export interface Written {
  waiting?: Set<string>;
  contacts?: ContactRow[];
  tags?: Map<string, string[]>;
}

type MessageArgs = { rows: (MessageRow & { words: string | null })[] };
type ConversationArgs = { conversations: ConversationRow[] };

function insertSql(b: Binder<MessageArgs>): RawBuilder<never> {
  const v = b.rows("rows", {
    id: "text",
    conversation_id: "text",
    seq: "integer",
    sender_type: "text",
    sender_id: "text",
    sender_name: "text",
    type: "text",
    content: "text",
    state: "text",
    idempotency_key: "text",
    created_at: "text",
    words: "text",
  });
  const [column, words] = b.postgres
    ? [sql.id("search_tsv"), sql`to_tsvector('simple', words)`]
    : [sql.id("search_words"), sql`words`];
  return sql<never>`insert into messages (id, conversation_id, seq, sender_type, sender_id, sender_name, type,
      content, state, idempotency_key, created_at, ${column})
    select id, conversation_id, seq, sender_type, sender_id, sender_name, type,
      content, state, idempotency_key, created_at, ${words} from (${v}) as v`;
}

/** Each conversation's new state, as `v` for an UPDATE … FROM v. */
const conversationRows = (b: Binder<ConversationArgs>) =>
  b.rows("conversations", {
    id: "text",
    last_seq: "integer",
    read_contact: "integer",
    read_agent: "integer",
    last_message_id: "text",
    updated_at: "text",
    first_response_at: "text",
    status: "text",
  });

const updateSet = sql`last_seq = v.last_seq, read_contact = v.read_contact, read_agent = v.read_agent,
      last_message_id = v.last_message_id, updated_at = v.updated_at, first_response_at = v.first_response_at,
      status = v.status`;

const messagesInsert = prepared<MessageArgs, never>((_db, b) => insertSql(b));

const conversationsUpdate = prepared<ConversationArgs, never>(
  (_db, b) => sql<never>`with v as (${conversationRows(b)})
    update conversations set ${updateSet} from v where conversations.id = v.id`,
);

interface WrittenRow {
  id: string;
  waiting: boolean;
  contact: ContactRow | null;
  tags: string[];
}

/** PostgreSQL: both writes and the reads after them, in one round trip. */
const batchWrite = prepared<MessageArgs & ConversationArgs, WrittenRow>(
  (_db, b) => sql<WrittenRow>`with m as (${insertSql(b)}),
    v as (${conversationRows(b)}),
    u as (update conversations set ${updateSet} from v where conversations.id = v.id
      returning conversations.id, conversations.contact_id)
    select u.id,
      exists (select 1 from waiting_conversations w where w.conversation_id = u.id) as waiting,
      (select row_to_json(c) from contacts c where c.id = u.contact_id) as contact,
      coalesce((select json_agg(t.tag order by t.tag) from conversation_tags t
        where t.conversation_id = u.id), '[]') as tags
    from u`,
);

/** Stores the batch's messages and its conversations' new state, in `trx`. */
export async function writeBatch(trx: Trx, messages: MessageRow[], conversations: ConversationRow[]): Promise<Written> {
  const words = (m: MessageRow) => (messageIndexing.enabled ? messageWords(m) : null);
  const rows = messages.map((m) => ({ ...m, words: words(m) }));
  if (!(trx.getExecutor().adapter instanceof PostgresAdapter)) {
    await messagesInsert.execute(trx, { rows });
    await indexInsertedMessages(trx, messages);
    await conversationsUpdate.execute(trx, { conversations });
    return {};
  }
  const found = await batchWrite.execute(trx, { rows, conversations });
  return {
    waiting: new Set(found.filter((r) => r.waiting).map((r) => r.id)),
    contacts: found.flatMap((r) => (r.contact ? [r.contact] : [])),
    tags: new Map(found.map((r) => [r.id, r.tags])),
  };
}
