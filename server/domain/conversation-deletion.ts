import type { Trx } from "./context.ts";
import { hashToken } from "./secrets.ts";
import { removeDocuments } from "../store/search-index.ts";
import { unindexConversationMessages } from "../store/search-messages.ts";
import { forgetEvents } from "../events/log.ts";

/**
 * Deleting conversations for good, with everything of theirs: erasure (erasure.ts) and retention
 * (retention.ts) share these steps, inside the caller's transaction.
 */

/** Keeps `in (…)` lists within every database's parameter limit. */
export function chunks<T>(items: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The key in a file URL Parley handed out (`…/v1/files/<key>`), wherever it sits in a message's content. */
const fileKey = /\/v1\/files\/([A-Za-z0-9_-]{32})(?![A-Za-z0-9_-])/g;

/** Hashes of the file keys that the messages of these conversations link to (attachments an agent sent). */
export async function linkedFileHashes(trx: Trx, conversationIds: string[]): Promise<string[]> {
  const hashes = new Set<string>();
  for (const ids of chunks(conversationIds)) {
    const rows = await trx
      .selectFrom("messages")
      .select("content")
      .where("conversation_id", "in", ids)
      .where("type", "in", ["image", "file", "cards"])
      .execute();
    for (const { content } of rows) for (const m of content.matchAll(fileKey)) hashes.add(hashToken(m[1]!));
  }
  return [...hashes];
}

/** Erasure: the contact's own uploads, and the agents' attachments its conversations link to. */
export async function deleteFiles(trx: Trx, siteId: string, contactId: string, linkedHashes: string[]): Promise<void> {
  await trx.deleteFrom("files").where("contact_id", "=", contactId).execute();
  // Attachments sent into the conversations by agents belong to no contact; another contact's own uploads are never touched.
  for (const hashes of chunks(linkedHashes)) {
    await trx
      .deleteFrom("files")
      .where("site_id", "=", siteId)
      .where("contact_id", "is", null)
      .where("key_hash", "in", hashes)
      .execute();
  }
}

/**
 * Webhook deliveries already made (or given up) about the contact or its conversations, with
 * their payloads: a manual retry could otherwise send erased data again. Pending deliveries
 * still go out, as promised (at least once), and `contact.deleted` follows them.
 */
export async function forgetFinishedDeliveries(trx: Trx, orderingKeys: string[]): Promise<void> {
  for (const keys of chunks(orderingKeys)) {
    const finished = trx
      .selectFrom("webhook_deliveries")
      .where("ordering_key", "in", keys)
      .where("state", "in", ["delivered", "failed"]);
    const eventIds = [...new Set((await finished.select("event_id").execute()).map((r) => r.event_id))];
    if (eventIds.length === 0) continue;
    await trx
      .deleteFrom("webhook_deliveries")
      .where("ordering_key", "in", keys)
      .where("state", "in", ["delivered", "failed"])
      .execute();
    for (const ids of chunks(eventIds)) {
      await trx
        .deleteFrom("webhook_events")
        .where("id", "in", ids)
        .where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom("webhook_deliveries as d")
                .select("d.event_id")
                .whereRef("d.event_id", "=", "webhook_events.id"),
            ),
          ),
        )
        .execute();
    }
  }
}

/** Retention: every file the expiring conversations' messages link to (the visitor's uploads and the agents' attachments). */
export async function deleteLinkedFiles(trx: Trx, siteId: string, linkedHashes: string[]): Promise<void> {
  for (const hashes of chunks(linkedHashes))
    await trx.deleteFrom("files").where("site_id", "=", siteId).where("key_hash", "in", hashes).execute();
}

/**
 * The conversations' rows: tags, private notes and their mentions, ratings, messages and their
 * search entries, email threads, the conversations' own search documents, and their events in
 * the log (with the finished webhook deliveries that carried them).
 */
export async function deleteConversationRows(trx: Trx, conversationIds: string[]): Promise<void> {
  await unindexConversationMessages(trx, conversationIds);
  await removeDocuments(trx, { conversationIds });
  for (const ids of chunks(conversationIds)) {
    await trx.deleteFrom("conversation_tags").where("conversation_id", "in", ids).execute();
    // Private notes are personal data too: what the team wrote about this person goes with them.
    await trx.deleteFrom("note_mentions").where("conversation_id", "in", ids).execute();
    await trx.deleteFrom("notes").where("conversation_id", "in", ids).execute();
    await trx.deleteFrom("ratings").where("conversation_id", "in", ids).execute();
    await trx.deleteFrom("messages").where("conversation_id", "in", ids).execute();
    for (const table of ["email_threads", "email_outbox", "email_reply_tokens", "waiting_conversations"] as const)
      await trx.deleteFrom(table).where("conversation_id", "in", ids).execute();
    await trx.deleteFrom("conversations").where("id", "in", ids).execute();
  }
  await forgetFinishedDeliveries(trx, conversationIds);
  await forgetEvents(trx, conversationIds);
}
