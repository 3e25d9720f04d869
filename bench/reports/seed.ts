import crypto from "node:crypto";
import type { Insertable } from "kysely";
import type { Ctx } from "../../server/domain/context.ts";
import { newId } from "../../server/domain/secrets.ts";
import { withMillis } from "../../server/reports/projection.ts";
import type { Database } from "../../server/store/tables.ts";

/**
 * Bulk seeding for bench:reports: conversations over `days` days with a daily rhythm, 4–16
 * messages each (10 on average), first responses and resolutions spread log-normally, ratings
 * skewed to the top; the reports projection written as the `reports` consumer would have written
 * it. Direct inserts in batches of 500, one transaction per batch.
 */
export interface SeedOptions {
  conversations: number;
  days: number;
  siteId: string;
  agents: string[];
  /** false: the reports' tables and conversations only (profiling the summary, which reads no messages). */
  messages?: boolean;
}

const DAY = 86_400_000;
/** Log-normal with this median (seconds) and spread. */
const logNormal = (median: number, sigma: number) => {
  const u = 1 - Math.random();
  const v = Math.random();
  return median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
};
/** Hours of the day weighted like a business's traffic (peak mid-morning to late afternoon). */
const hourWeights = [1, 1, 1, 1, 1, 2, 3, 6, 10, 12, 12, 11, 10, 11, 12, 11, 9, 7, 5, 4, 3, 2, 2, 1];
const hourTotal = hourWeights.reduce((a, b) => a + b, 0);
function randomHour(): number {
  let r = Math.random() * hourTotal;
  for (let h = 0; h < 24; h++) if ((r -= hourWeights[h]!) < 0) return h;
  return 23;
}
function score(): number {
  const r = Math.random();
  return r < 0.05 ? 1 : r < 0.12 ? 2 : r < 0.25 ? 3 : r < 0.55 ? 4 : 5;
}
const queues = ["sales", "support", "billing", null];
const iso = (ms: number) => new Date(ms).toISOString();

export async function seed(ctx: Ctx, o: SeedOptions): Promise<{ messages: number }> {
  const end = Date.now();
  const start = end - o.days * DAY;
  let messageCount = 0;
  for (let c = 0; c < o.conversations; c += 500) {
    const convs: Insertable<Database["conversations"]>[] = [];
    const messages: Insertable<Database["messages"]>[] = [];
    const facts: Insertable<Database["report_conversations"]>[] = [];
    const changes: Insertable<Database["report_changes"]>[] = [];
    const tags: Insertable<Database["conversation_tags"]>[] = [];
    for (let i = c; i < Math.min(c + 500, o.conversations); i++) {
      const id = newId("conversation");
      const dayStart = start + Math.floor(Math.random() * o.days) * DAY;
      const created = Math.min(end - 60_000, dayStart + randomHour() * 3600_000 + Math.random() * 3600_000);
      const agent = o.agents[crypto.randomInt(o.agents.length)]!;
      const answered = Math.random() < 0.92;
      const responded = created + Math.max(5, logNormal(180, 1.2)) * 1000;
      const resolved = Math.random() < 0.85 ? responded + Math.max(60, logNormal(7200, 1.5)) * 1000 : null;
      const rated = resolved && Math.random() < 0.3 ? resolved + 600_000 : null;
      const rating = rated ? score() : null;
      const status = resolved ? (Math.random() < 0.2 ? "closed" : "solved") : "open";
      const queue = queues[i % queues.length]!;
      const count = 4 + ((i * 7) % 13);
      let last = "";
      for (let seq = 1; seq <= count; seq++) {
        last = newId("message");
        const fromAgent = answered && seq % 2 === 0;
        const at = seq === 1 ? created : answered ? responded + (seq - 2) * 60_000 : created + seq * 60_000;
        messages.push({
          id: last,
          conversation_id: id,
          seq,
          sender_type: fromAgent ? "agent" : "contact",
          sender_id: fromAgent ? agent : null,
          sender_name: null,
          type: "text",
          content: JSON.stringify({ text: `Message ${seq} of a conversation about an order` }),
          state: "complete",
          idempotency_key: null,
          created_at: iso(at),
        });
      }
      messageCount += count;
      convs.push({
        id,
        site_id: o.siteId,
        contact_id: null,
        visitor_id: null,
        status,
        priority: "normal",
        channel: "widget",
        topic: null,
        summary: null,
        queue,
        assignee: answered ? agent : null,
        metadata: "{}",
        unique_id: null,
        last_seq: count,
        read_contact: 0,
        read_agent: 0,
        last_message_id: last,
        created_at: iso(created),
        updated_at: iso(resolved ?? created),
        first_response_at: answered ? iso(responded) : null,
        closed_at: status === "closed" ? iso(resolved!) : null,
        visitor_context: null,
        rating_score: rating,
        rating_comment: null,
        rated_at: rated ? iso(rated) : null,
      });
      facts.push(
        withMillis({
          conversation_id: id,
          site_id: o.siteId,
          status,
          queue,
          assignee: answered ? agent : null,
          created_at: iso(created),
          first_contact_at: iso(created),
          first_response_at: answered ? iso(responded) : null,
          first_responder: answered ? agent : null,
          resolved_at: resolved ? iso(resolved) : null,
          rating_score: rating,
          rated_at: rated ? iso(rated) : null,
          rating_agent: rated ? agent : null,
        }),
      );
      const change = (kind: string, at: number) =>
        changes.push({
          conversation_id: id,
          kind,
          agent_id: agent,
          created_at: iso(at),
          created_ms: Date.parse(iso(at)),
        });
      if (answered) change("assigned", responded);
      if (resolved) change("solved", resolved);
      if (status === "closed") change("closed", resolved! + 3600_000);
      if (i % 5 === 0) tags.push({ conversation_id: id, tag: i % 10 ? "vip" : "bug", created_at: iso(created) });
    }
    await ctx.db.transaction().execute(async (trx) => {
      await trx.insertInto("conversations").values(convs).execute();
      for (let m = 0; o.messages !== false && m < messages.length; m += 500)
        await trx
          .insertInto("messages")
          .values(messages.slice(m, m + 500))
          .execute();
      await trx.insertInto("report_conversations").values(facts).execute();
      await trx.insertInto("report_changes").values(changes).execute();
      if (tags.length) await trx.insertInto("conversation_tags").values(tags).execute();
    });
  }
  return { messages: messageCount };
}
