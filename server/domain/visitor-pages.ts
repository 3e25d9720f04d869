/**
 * Page views from the widget (CONTRACT §8): the visitor's current context is kept on the visitor
 * (so it exists before any conversation) and copied onto each of their conversations that is not
 * closed, which agents hear as `conversation.updated` with `changed: ["visitor"]`. Nothing is
 * written when the view changes nothing (a reload, a replaceState to the same page).
 */
import type { PageView, VisitorContext, VisitorContextRules } from "../../shared/schemas/visitor.ts";
import { json, write, type Ctx, type Db, type Principal } from "./context.ts";
import { authorize } from "./permissions.ts";
import { afterPageView } from "./visitor-context.ts";
import { conversationView } from "./views.ts";

/** The stored context of a visitor (JSON), copied onto a conversation they start. */
export async function visitorContextOf(db: Db, visitorId: string): Promise<string | null> {
  const row = await db.selectFrom("visitors").select("context").where("id", "=", visitorId).executeTakeFirst();
  return row?.context ?? null;
}

/** Applies one page view of the visitor `p`; `userAgent` from the socket's handshake. */
export async function recordPageView(
  ctx: Ctx,
  p: Principal,
  view: PageView,
  userAgent: string | undefined,
): Promise<void> {
  authorize(p, "visitor.page");
  if (p.kind !== "visitor") return; // the table lets only visitors through
  const visitor = { id: p.visitorId, siteId: p.siteId };
  const site = await ctx.db
    .selectFrom("sites")
    .select("visitor_context")
    .where("id", "=", visitor.siteId)
    .executeTakeFirst();
  const rules = json.parse<VisitorContextRules>(site?.visitor_context, { queryStrings: false });
  await write(ctx, async (trx, emit) => {
    let q = trx.selectFrom("visitors").select("context").where("id", "=", visitor.id);
    if (ctx.dialect === "postgres") q = q.forUpdate();
    const row = await q.executeTakeFirst();
    if (!row) return;
    const prev = json.parse<VisitorContext | null>(row.context, null);
    const text = json.stringify(afterPageView(prev, view, userAgent, new Date(ctx.now()), rules));
    if (text !== row.context)
      await trx.updateTable("visitors").set({ context: text }).where("id", "=", visitor.id).execute();
    // Conversations follow the visitor's context; a closed one keeps where the visitor was.
    const stale = await trx
      .selectFrom("conversations")
      .selectAll()
      .where("visitor_id", "=", visitor.id)
      .where("status", "!=", "closed")
      .where((eb) => eb.or([eb("visitor_context", "is", null), eb("visitor_context", "!=", text)]))
      .execute();
    for (const conv of stale) {
      await trx.updateTable("conversations").set({ visitor_context: text }).where("id", "=", conv.id).execute();
      const conversation = await conversationView(trx, { ...conv, visitor_context: text });
      emit({
        type: "conversation.updated",
        siteId: conv.site_id,
        conversationId: conv.id,
        conversation,
        changed: ["visitor"],
      });
    }
  });
}
