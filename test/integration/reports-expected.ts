import { DateTime } from "luxon";
import type { Kysely } from "kysely";
import type { Database } from "../../server/store/tables.ts";

/**
 * The report summary computed again, independently of server/reports/, from the raw rows: the
 * messages (first response), the event log's status and assignment history (resolution, solved,
 * closed, assigned), the conversations and ratings tables (satisfaction). Luxon converts every
 * instant on its own (no offset cache), and percentile_cont is written out again.
 */
export interface Filter {
  queue?: string;
  tag?: string;
  assignee?: string;
}

const cont = (values: number[], p: number) => {
  if (!values.length) return null;
  const v = [...values].sort((a, b) => a - b);
  const pos = p * (v.length - 1);
  const lo = Math.floor(pos);
  return Math.round(v[lo]! + (v[Math.ceil(pos)]! - v[lo]!) * (pos - lo)) / 1000; // ms → s, half a ms up
};
const avg = (xs: number[]) => (xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100 : null);
/** Durations in whole milliseconds; `cont` answers seconds. */
const secs = (a: string, b: string) => Date.parse(b) - Date.parse(a);

export async function expectedSummary(db: Kysely<Database>, from: string, to: string, tz: string, filter: Filter = {}) {
  const local = (iso: string) => DateTime.fromISO(iso, { zone: "utc" }).setZone(tz);
  const inPeriod = (iso: string) => {
    const d = local(iso).toISODate()!;
    return d >= from && d <= to;
  };
  const tags = await db.selectFrom("conversation_tags").selectAll().execute();
  const all = await db.selectFrom("conversations").selectAll().execute();
  const convs = all.filter(
    (c) =>
      (!filter.queue || c.queue === filter.queue) &&
      (!filter.assignee || (filter.assignee === "none" ? c.assignee === null : c.assignee === filter.assignee)) &&
      (!filter.tag || tags.some((t) => t.conversation_id === c.id && t.tag === filter.tag)),
  );
  const ids = new Set(convs.map((c) => c.id));
  const messages = await db.selectFrom("messages").selectAll().orderBy("seq").execute();
  const events = (await db.selectFrom("events").selectAll().orderBy("position").execute())
    .filter((e) => e.subject && ids.has(e.subject))
    .map((e) => ({ type: e.type, subject: e.subject!, data: JSON.parse(e.data) }));
  const ratings = await db.selectFrom("ratings").selectAll().execute();
  const agents = await db.selectFrom("agents").selectAll().orderBy("name").orderBy("id").execute();

  // First response per conversation, from its messages in seq order.
  const first = new Map<string, { seconds: number; agent: string | null }>();
  for (const c of convs) {
    const mine = messages.filter((m) => m.conversation_id === c.id).sort((a, b) => a.seq - b.seq);
    const contact = mine.find((m) => m.sender_type === "contact");
    const answer = contact && mine.find((m) => m.sender_type === "agent" && m.seq > contact.seq);
    if (contact && answer)
      first.set(c.id, { seconds: secs(contact.created_at, answer.created_at), agent: answer.sender_id });
  }
  // Status and assignment history, from the event log.
  const history: { id: string; kind: string; agent: string | null; at: string }[] = [];
  const lastStatus = new Map<string, string>();
  for (const e of events) {
    if (e.type !== "conversation.updated" && e.type !== "conversation.created") continue;
    const c = e.data.conversation;
    const changed: string[] = e.type === "conversation.created" ? ["status", "assignee"] : e.data.changed;
    if (changed.includes("assignee") && c.assignee)
      history.push({ id: c.id, kind: "assigned", agent: c.assignee, at: c.updatedAt });
    if (changed.includes("status") && lastStatus.get(c.id) !== c.status && ["solved", "closed"].includes(c.status))
      history.push({ id: c.id, kind: c.status, agent: c.assignee, at: c.updatedAt });
    lastStatus.set(c.id, c.status);
  }
  const distinct = (xs: { id: string }[]) => new Set(xs.map((x) => x.id)).size;
  const inside = history.filter((h) => inPeriod(h.at));

  const started = convs.filter((c) => inPeriod(c.created_at));
  const responses = started.filter((c) => first.has(c.id)).map((c) => first.get(c.id)!.seconds);
  const resolutions = convs
    .map((c) => ({ c, at: history.find((h) => h.id === c.id && h.kind !== "assigned")?.at }))
    .filter((x) => x.at && inPeriod(x.at))
    .map((x) => secs(x.c.created_at, x.at!));
  const rated = convs
    .filter((c) => c.rated_at && inPeriod(c.rated_at))
    .map((c) => ({
      score: Number(c.rating_score),
      agent: ratings.find((r) => r.conversation_id === c.id && r.created_at === c.rated_at)!.assignee,
    }));

  const days: string[] = [];
  for (let d = DateTime.fromISO(from); d.toISODate()! <= to; d = d.plus({ days: 1 })) days.push(d.toISODate()!);
  const startedOn = (d: string) => started.filter((c) => local(c.created_at).toISODate() === d);
  return {
    conversations: {
      started: started.length,
      solved: distinct(inside.filter((h) => h.kind === "solved")),
      closed: distinct(inside.filter((h) => h.kind === "closed")),
    },
    firstResponseSeconds: { median: cont(responses, 0.5), p90: cont(responses, 0.9) },
    resolutionSeconds: { median: cont(resolutions, 0.5), p90: cont(resolutions, 0.9) },
    satisfaction: {
      count: rated.length,
      average: avg(rated.map((r) => r.score)),
      distribution: Object.fromEntries(
        [1, 2, 3, 4, 5].map((n) => [String(n), rated.filter((r) => r.score === n).length]),
      ),
    },
    perDay: days.map((date) => ({
      date,
      started: startedOn(date).length,
      solved: distinct(inside.filter((h) => h.kind === "solved" && local(h.at).toISODate() === date)),
      medianFirstResponseSeconds: cont(
        startedOn(date)
          .filter((c) => first.has(c.id))
          .map((c) => first.get(c.id)!.seconds),
        0.5,
      ),
    })),
    byHour: Array.from({ length: 168 }, (_, i) => ({
      weekday: Math.floor(i / 24),
      hour: i % 24,
      started: started.filter((c) => {
        const t = local(c.created_at);
        return t.weekday % 7 === Math.floor(i / 24) && t.hour === i % 24;
      }).length,
    })),
    agents: agents.map((a) => ({
      agentId: a.id,
      name: a.name,
      assigned: distinct(inside.filter((h) => h.kind === "assigned" && h.agent === a.id)),
      solved: distinct(inside.filter((h) => h.kind === "solved" && h.agent === a.id)),
      medianFirstResponseSeconds: cont(
        started.filter((c) => first.get(c.id)?.agent === a.id).map((c) => first.get(c.id)!.seconds),
        0.5,
      ),
      satisfactionAverage: avg(rated.filter((r) => r.agent === a.id).map((r) => r.score)),
    })),
  };
}

/** perDay as the CSV should carry it. */
export const expectedCsv = (
  perDay: { date: string; started: number; solved: number; medianFirstResponseSeconds: number | null }[],
) =>
  [
    "date,started,solved,medianFirstResponseSeconds",
    ...perDay.map((d) => `${d.date},${d.started},${d.solved},${d.medianFirstResponseSeconds ?? ""}`),
  ].join("\r\n") + "\r\n";
