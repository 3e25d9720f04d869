import type { Conversation } from "../../shared/schemas/index.ts";
import type { ConversationRow } from "../store/tables.ts";
import { write, type Ctx, type Principal } from "./context.ts";
import { lockConversation } from "./conversations.ts";
import { ParleyError } from "./errors.ts";
import { newId } from "./secrets.ts";
import { conversationView } from "./views.ts";

/**
 * Satisfaction (CONTRACT §10): a visitor rates its conversation once each time it is solved or
 * closed. The conversation holds the rating of its latest solve or close; every rating stays in
 * `ratings` for reports. A conversation reopened and solved again starts without one.
 */

const resolved = (status: string) => status === "solved" || status === "closed";

/** The rating as the API shows it, from the conversation's row. */
export function ratingOf(row: ConversationRow): Conversation["rating"] {
  if (row.rating_score == null || !row.rated_at) return null;
  return { score: Number(row.rating_score), comment: row.rating_comment ?? null, createdAt: row.rated_at };
}

/**
 * The columns a status change adds: becoming solved or closed from open or waiting is a new
 * closing, which the visitor has not rated yet (solved → closed is the same one).
 */
export function ratingReset(before: ConversationRow, after: ConversationRow): Partial<ConversationRow> {
  if (!resolved(after.status) || resolved(before.status) || !ratingOf(before)) return {};
  return { rating_score: null, rating_comment: null, rated_at: null };
}

export async function rateConversation(
  ctx: Ctx,
  p: Principal,
  id: string,
  input: { score: number; comment?: string | null },
): Promise<Conversation> {
  return write(ctx, async (trx, emit) => {
    const row = await lockConversation(ctx, trx, p, id, "conversation.rate");
    if (!resolved(row.status)) throw new ParleyError("conflict", "Only a solved or closed conversation can be rated");
    if (ratingOf(row)) throw new ParleyError("conflict", "This conversation is already rated since it was solved");
    const now = ctx.now();
    const comment = input.comment?.trim() || null;
    await trx
      .insertInto("ratings")
      .values({
        id: newId("rating"),
        conversation_id: id,
        site_id: row.site_id,
        assignee: row.assignee,
        score: input.score,
        comment,
        created_at: now,
      })
      .execute();
    const set = { rating_score: input.score, rating_comment: comment, rated_at: now, updated_at: now };
    await trx.updateTable("conversations").set(set).where("id", "=", id).execute();
    const conversation = await conversationView(trx, { ...row, ...set });
    emit({ type: "conversation.updated", siteId: row.site_id, conversationId: id, conversation, changed: ["rating"] });
    return conversation;
  });
}
