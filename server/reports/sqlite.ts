import { sql, type Kysely, type RawBuilder, type SelectQueryBuilder } from "kysely";
import type { Database } from "../store/tables.ts";
import { agentOf, changesIn, conversationsIn, dayOf, emptyFigures, type Figures, type Scope } from "./figures.ts";
import { percentile, type Period } from "./period.ts";

/**
 * The summary's figures on SQLite, aggregated by the database: each indexed time range read once,
 * local days and hours from strftime with the zone's offsets for the period (period.ts finds them
 * once, so SQLite needs no time zone of its own); durations come back as numbers in one pass over
 * their range and their percentiles are interpolated here as percentile_cont does.
 */
export async function sqliteFigures(db: Kysely<Database>, s: Scope): Promise<Figures> {
  const f = emptyFigures();
  const { start, end } = s.period;
  const local = localModifier(s.period);
  const day = (column: string) => sql<string>`strftime('%Y-%m-%d', ${sql.ref(column)}, ${local(column)})`;
  const hour = (column: string) => sql<string>`strftime('%w %H', ${sql.ref(column)}, ${local(column)})`;
  const millis = (to: string, from: string) =>
    sql<number>`round((unixepoch(${sql.ref(to)}, 'subsec') - unixepoch(${sql.ref(from)}, 'subsec')) * 1000)`;
  const inRange = <Q extends SelectQueryBuilder<Database & { rc: Database["report_conversations"] }, "rc", object>>(
    q: Q,
    column: "rc.created_at" | "rc.resolved_at" | "rc.rated_at",
  ) => q.where(column, ">=", start).where(column, "<", end);

  const started = await inRange(conversationsIn(db, s), "rc.created_at")
    .select([day("rc.created_at").as("day"), hour("rc.created_at").as("cell"), sql<number>`count(*)`.as("n")])
    .groupBy([sql`1`, sql`2`])
    .execute();
  for (const r of started) {
    const n = Number(r.n);
    const [weekday, h] = r.cell.split(" ");
    f.started += n;
    dayOf(f, r.day).started += n;
    const cell = `${Number(weekday)}:${Number(h)}`;
    f.byHour.set(cell, (f.byHour.get(cell) ?? 0) + n);
  }

  // Durations come back as numbers (one range read each) and are sorted here: cheaper than
  // SQLite sorting them three times over in window functions.
  const responses = await inRange(conversationsIn(db, s), "rc.created_at")
    .where("rc.first_contact_at", "is not", null)
    .where("rc.first_response_at", "is not", null)
    .select([
      day("rc.created_at").as("day"),
      "rc.first_responder as agent",
      millis("rc.first_response_at", "rc.first_contact_at").as("ms"),
    ])
    .execute();
  const all: number[] = [];
  const byDay = new Map<string, number[]>();
  const byAgent = new Map<string, number[]>();
  for (const r of responses) {
    const ms = Number(r.ms);
    all.push(ms);
    push(byDay, r.day, ms);
    if (r.agent) push(byAgent, r.agent, ms);
  }
  f.firstResponse = percentiles(all);
  for (const [d, list] of byDay) dayOf(f, d).medianFirstResponse = percentiles(list).median;
  for (const [a, list] of byAgent) agentOf(f, a).medianFirstResponse = percentiles(list).median;

  const resolved = await inRange(conversationsIn(db, s), "rc.resolved_at")
    .select(millis("rc.resolved_at", "rc.created_at").as("ms"))
    .execute();
  f.resolution = percentiles(resolved.map((r) => Number(r.ms)));

  const changes = (kinds: string[]) =>
    changesIn(db, s).where("ch.created_at", ">=", start).where("ch.created_at", "<", end).where("ch.kind", "in", kinds);
  const distinct = sql<number>`count(distinct ch.conversation_id)`;
  const [totals, perAgent, perDay] = await Promise.all([
    changes(["solved", "closed"])
      .select(["ch.kind", distinct.as("n")])
      .groupBy("ch.kind")
      .execute(),
    changes(["assigned", "solved"])
      .where("ch.agent_id", "is not", null)
      .select(["ch.kind", "ch.agent_id", distinct.as("n")])
      .groupBy(["ch.kind", "ch.agent_id"])
      .execute(),
    changes(["solved"])
      .select([day("ch.created_at").as("day"), distinct.as("n")])
      .groupBy(sql`1`)
      .execute(),
  ]);
  for (const r of totals) {
    if (r.kind === "closed") f.closed = Number(r.n);
    else f.solved = Number(r.n);
  }
  for (const r of perAgent) {
    const a = agentOf(f, r.agent_id!);
    if (r.kind === "assigned") a.assigned = Number(r.n);
    else a.solved = Number(r.n);
  }
  for (const r of perDay) dayOf(f, r.day).solved = Number(r.n);

  const ratings = await inRange(conversationsIn(db, s), "rc.rated_at")
    .select(["rc.rating_score as score", "rc.rating_agent as agent", sql<number>`count(*)`.as("n")])
    .groupBy(["rc.rating_score", "rc.rating_agent"])
    .execute();
  for (const r of ratings) {
    const score = Number(r.score) as 1 | 2 | 3 | 4 | 5;
    if (!(score in f.scores)) continue;
    const n = Number(r.n);
    f.scores[score] += n;
    if (r.agent) {
      const a = agentOf(f, r.agent);
      a.ratingSum += score * n;
      a.ratingCount += n;
    }
  }
  return f;
}

/** strftime's modifier that moves an instant of the period to local time: '+330 minutes', or a CASE over the offset's changes. */
function localModifier(period: Period) {
  const minutes = (offset: number) => `${offset >= 0 ? "+" : ""}${offset} minutes`;
  return (column: string): RawBuilder<string> => {
    const [first, ...rest] = period.segments;
    if (rest.length === 0) return sql<string>`${minutes(first!.offset)}`;
    const whens = period.segments
      .slice(0, -1)
      .map(
        (seg, i) =>
          sql`when ${sql.ref(column)} < ${new Date(period.segments[i + 1]!.from).toISOString()} then ${minutes(seg.offset)}`,
      );
    return sql<string>`case ${sql.join(whens, sql` `)} else ${minutes(period.segments.at(-1)!.offset)} end`;
  };
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Median and p90, as percentile_cont interpolates them. */
function percentiles(values: number[]) {
  const sorted = values.sort((a, b) => a - b);
  return { median: percentile(sorted, 0.5), p90: percentile(sorted, 0.9) };
}
