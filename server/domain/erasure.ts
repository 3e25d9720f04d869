import { write, type Ctx, type Principal, type Trx } from "./context.ts";
import { hashToken } from "./secrets.ts";
import { authorize } from "./permissions.ts";
import { contactRow } from "./contacts.ts";
import { unindexContact } from "../store/search-sources.ts";
import { forgetEvents } from "../events/log.ts";

/**
 * Erasing a contact (the right to be forgotten): the contact, its conversations with their
 * messages, tags and private notes, the files it uploaded and those sent in its conversations, the
 * visitors linked to it (their widget tokens stop resolving to this person), its search index
 * entries, its events in the event log and the finished webhook deliveries that carried its
 * data. One transaction; `contact.deleted` is told after it.
 */

/** Conversations erased with the contact: its own, and its visitors' ones that never got a contact. */
async function conversationIdsOf(trx: Trx, contactId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom("conversations")
    .select("id")
    .where((eb) =>
      eb.or([
        eb("contact_id", "=", contactId),
        eb.and([
          eb("contact_id", "is", null),
          eb("visitor_id", "in", eb.selectFrom("visitors").select("id").where("contact_id", "=", contactId)),
        ]),
      ]),
    )
    .execute();
  return rows.map((r) => r.id);
}

/** Keeps `in (…)` lists within every database's parameter limit. */
function chunks<T>(items: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The key in a file URL Parley handed out (`…/v1/files/<key>`), wherever it sits in a message's content. */
const fileKey = /\/v1\/files\/([A-Za-z0-9_-]{32})(?![A-Za-z0-9_-])/g;

/** Hashes of the file keys that the messages of these conversations link to (attachments an agent sent). */
async function linkedFileHashes(trx: Trx, conversationIds: string[]): Promise<string[]> {
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

async function deleteFiles(trx: Trx, siteId: string, contactId: string, linkedHashes: string[]): Promise<void> {
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
async function forgetFinishedDeliveries(trx: Trx, orderingKeys: string[]): Promise<void> {
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

/** DELETE /v1/contacts/{id}: erases the contact and everything of it; 404 for an unknown or another site's contact. */
export async function eraseContact(ctx: Ctx, p: Principal, id: string): Promise<void> {
  authorize(p, "contact.erase", undefined, "Contact");
  await write(ctx, async (trx, emit) => {
    // PostgreSQL: hold the contact row, so that no conversation, visitor or file can link to it
    // while it is erased, and a concurrent second erasure waits and then finds nothing.
    if (ctx.dialect === "postgres")
      await trx.selectFrom("contacts").select("id").where("id", "=", id).forUpdate().execute();
    const contact = await contactRow(trx, p, id, "contact.erase");

    const conversationIds = await conversationIdsOf(trx, id);
    const visitorIds = (await trx.selectFrom("visitors").select("id").where("contact_id", "=", id).execute()).map(
      (r) => r.id,
    );

    await unindexContact(trx, id, conversationIds);
    await deleteFiles(trx, contact.site_id, id, await linkedFileHashes(trx, conversationIds));
    for (const ids of chunks(conversationIds)) {
      await trx.deleteFrom("conversation_tags").where("conversation_id", "in", ids).execute();
      // Private notes are personal data too: what the team wrote about this person goes with them.
      await trx.deleteFrom("note_mentions").where("conversation_id", "in", ids).execute();
      await trx.deleteFrom("notes").where("conversation_id", "in", ids).execute();
      await trx.deleteFrom("ratings").where("conversation_id", "in", ids).execute();
      await trx.deleteFrom("messages").where("conversation_id", "in", ids).execute();
      for (const table of ["email_threads", "email_outbox", "email_reply_tokens"] as const)
        await trx.deleteFrom(table).where("conversation_id", "in", ids).execute();
      await trx.deleteFrom("conversations").where("id", "in", ids).execute();
    }
    for (const ids of chunks(visitorIds)) {
      // Another contact's conversation that such a visitor took part in stays, without the link to it.
      await trx.updateTable("conversations").set({ visitor_id: null }).where("visitor_id", "in", ids).execute();
      await trx.deleteFrom("visitors").where("id", "in", ids).execute();
    }
    await forgetFinishedDeliveries(trx, [id, ...conversationIds]);
    // The log forgets every event about the contact or its conversations (consumers that have not
    // read them yet never will); `contact.deleted`, appended after this, carries only ids.
    await forgetEvents(trx, [id, ...conversationIds]);
    await trx.deleteFrom("contacts").where("id", "=", id).execute();
    emit({ type: "contact.deleted", siteId: contact.site_id, contactId: id, visitorIds, conversationIds });
  });
}
