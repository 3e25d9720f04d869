import type { Transaction } from "kysely";
import type { Database } from "../store/tables.ts";
import type { LoggedEvent } from "../events/log.ts";

/**
 * The `email` consumer's part of a batch (docs/email.md): an agent's or bot's message starts the
 * clock of its conversation, unless a clock already runs: the email falls due `delayS` after the
 * oldest message not yet emailed. Written with the consumer's transaction, so it happens exactly
 * once per message, on whichever node holds the consumer, across restarts.
 */
export async function scheduleEmails(
  trx: Transaction<Database>,
  events: LoggedEvent[],
  delayS: number,
): Promise<boolean> {
  let scheduled = false;
  for (const e of events) {
    if (e.type !== "message.created" || !e.subject) continue;
    const data = JSON.parse(e.data) as { message?: { sender?: { type?: string }; createdAt?: string } };
    const sender = data.message?.sender?.type;
    if (sender !== "agent" && sender !== "bot") continue;
    const sentAt = Date.parse(data.message?.createdAt ?? e.createdAt);
    const dueAt = new Date(sentAt + delayS * 1000).toISOString();
    const existing = await trx
      .selectFrom("email_threads")
      .select(["due_at"])
      .where("conversation_id", "=", e.subject)
      .executeTakeFirst();
    if (!existing) {
      // The conversation may have been erased since the event: nothing to schedule then.
      const alive = await trx.selectFrom("conversations").select("id").where("id", "=", e.subject).executeTakeFirst();
      if (!alive) continue;
      await trx
        .insertInto("email_threads")
        .values({ conversation_id: e.subject, emailed_seq: 0, due_at: dueAt, updated_at: e.createdAt })
        .execute();
    } else if (existing.due_at === null) {
      await trx
        .updateTable("email_threads")
        .set({ due_at: dueAt, updated_at: e.createdAt })
        .where("conversation_id", "=", e.subject)
        .execute();
    }
    scheduled = true;
  }
  return scheduled;
}
