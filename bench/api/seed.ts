import type { Ctx } from "../../server/domain/context.ts";
import { createConversation } from "../../server/domain/conversations.ts";
import { newId } from "../../server/domain/secrets.ts";
import type { MessageRow } from "../../server/store/tables.ts";

/**
 * A conversation with `count` messages, written straight into the store in chunks (one
 * transaction): seeding 100,000 messages over HTTP would measure the seeding, not the reads.
 */
export async function seedConversation(ctx: Ctx, count: number): Promise<string> {
  const { conversation } = await createConversation(ctx, { kind: "system" }, { topic: `${count} messages` });
  const started = Date.parse(conversation.createdAt);
  let lastId = "";
  await ctx.db.transaction().execute(async (trx) => {
    for (let from = 1; from <= count; from += 1000) {
      const rows: MessageRow[] = [];
      for (let seq = from; seq < Math.min(from + 1000, count + 1); seq++) {
        lastId = newId("message");
        rows.push({
          id: lastId,
          conversation_id: conversation.id,
          seq,
          sender_type: seq % 2 ? "contact" : "agent",
          sender_id: null,
          sender_name: null,
          type: "text",
          content: JSON.stringify({ text: `Seeded message number ${seq}, long enough to look like a real one.` }),
          state: "complete",
          idempotency_key: null,
          created_at: new Date(started + seq).toISOString(),
        });
      }
      await trx.insertInto("messages").values(rows).execute();
    }
    await trx
      .updateTable("conversations")
      .set({ last_seq: count, last_message_id: lastId })
      .where("id", "=", conversation.id)
      .execute();
  });
  return conversation.id;
}
