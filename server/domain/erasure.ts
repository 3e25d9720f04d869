import { write, type Ctx, type Principal, type Trx } from "./context.ts";
import { authorize } from "./permissions.ts";
import { contactRow } from "./contacts.ts";
import { unindexContact } from "../store/search-sources.ts";
import { forgetEvents } from "../events/log.ts";
import {
  chunks,
  deleteConversationRows,
  deleteFiles,
  forgetFinishedDeliveries,
  linkedFileHashes,
} from "./conversation-deletion.ts";

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

    await unindexContact(trx, id, []);
    await deleteFiles(trx, contact.site_id, id, await linkedFileHashes(trx, conversationIds));
    await deleteConversationRows(trx, conversationIds);
    for (const ids of chunks(visitorIds)) {
      // Another contact's conversation that such a visitor took part in stays, without the link to it.
      await trx.updateTable("conversations").set({ visitor_id: null }).where("visitor_id", "in", ids).execute();
      await trx.deleteFrom("visitors").where("id", "in", ids).execute();
    }
    await forgetFinishedDeliveries(trx, [id]);
    // The log forgets every event about the contact (its conversations' went with them; consumers
    // that have not read them yet never will); `contact.deleted`, appended after this, carries only ids.
    await forgetEvents(trx, [id]);
    await trx.deleteFrom("contacts").where("id", "=", id).execute();
    emit({ type: "contact.deleted", siteId: contact.site_id, contactId: id, visitorIds, conversationIds });
  });
}
