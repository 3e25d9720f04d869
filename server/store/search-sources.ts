import type { Kysely } from "kysely";
import type { ContactRow, ConversationRow, Database } from "./tables.ts";
import { indexDocument, insertDocuments, removeDocuments, type SearchDocument } from "./search-index.ts";
import { unindexConversationMessages } from "./search-messages.ts";
import { joinFields } from "./search-text.ts";

/**
 * What the conversations' and contacts' documents hold, in one place: the domain calls these
 * inside the write's transaction, and the migration that built the index calls them for what
 * existed. (Messages: search-messages.ts.)
 */
type Db = Kysely<Database>;

/** A conversation's own document: topic, summary, tags, and its contact's name, email and phone. */
export function conversationDocument(
  c: Pick<ConversationRow, "id" | "site_id" | "topic" | "summary">,
  tags: string[],
  contact: Pick<ContactRow, "name" | "email" | "phone"> | null | undefined,
): SearchDocument {
  return {
    source: "conversation",
    sourceId: c.id,
    siteId: c.site_id,
    conversationId: c.id,
    seq: null,
    body: joinFields([c.topic, c.summary, tags.join(" "), contact?.name, contact?.email, contact?.phone]),
  };
}

/** The conversations' documents written anew, from what is stored now (after a change to one of them). */
export async function reindexConversations(db: Db, ids: string[], opts: { fresh?: boolean } = {}): Promise<void> {
  if (ids.length === 0) return;
  const rows = await db
    .selectFrom("conversations")
    .leftJoin("contacts", "contacts.id", "conversations.contact_id")
    .select([
      "conversations.id",
      "conversations.site_id",
      "conversations.topic",
      "conversations.summary",
      "contacts.name",
      "contacts.email",
      "contacts.phone",
    ])
    .where("conversations.id", "in", ids)
    .execute();
  const tags = await db
    .selectFrom("conversation_tags")
    .select(["conversation_id", "tag"])
    .where("conversation_id", "in", ids)
    .orderBy("tag")
    .execute();
  const docs = rows.map((r) =>
    conversationDocument(
      r,
      tags.filter((t) => t.conversation_id === r.id).map((t) => t.tag),
      r,
    ),
  );
  // As indexDocument, for all of them at once: a conversation written for the first time in
  // this transaction has no document to replace; an empty body has none.
  if (!opts.fresh) await removeDocuments(db, { sourceIds: docs.map((d) => d.sourceId) });
  await insertDocuments(
    db,
    docs.filter((d) => d.body.trim()),
  );
}

/** The document of a conversation just inserted, untagged, whose contact (if any) is at hand: nothing to read back. */
export async function indexNewConversation(
  db: Db,
  row: ConversationRow,
  contact: Pick<ContactRow, "name" | "email" | "phone"> | undefined,
): Promise<void> {
  const doc = conversationDocument(row, [], contact);
  if (doc.body.trim()) await insertDocuments(db, [doc]);
}

/** A contact's document (for GET /v1/contacts?q=), and its conversations', which carry its name, email and phone. */
export async function reindexContact(
  db: Db,
  row: ContactRow,
  opts: { conversations?: boolean; fresh?: boolean } = {},
): Promise<void> {
  const body = joinFields([row.name, row.email, row.phone, row.external_id]);
  await indexDocument(
    db,
    { source: "contact", sourceId: row.id, siteId: row.site_id, conversationId: null, seq: null, body },
    { fresh: opts.fresh },
  );
  if (opts.conversations === false) return;
  const ids = await db.selectFrom("conversations").select("id").where("contact_id", "=", row.id).execute();
  await reindexConversations(
    db,
    ids.map((r) => r.id),
  );
}

/** Erasure: the contact's document and everything of its conversations. */
export async function unindexContact(db: Db, contactId: string, conversationIds: string[]): Promise<void> {
  await unindexConversationMessages(db, conversationIds);
  await removeDocuments(db, { sourceIds: [contactId], conversationIds });
}
