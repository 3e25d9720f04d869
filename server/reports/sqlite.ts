import { sql, type Kysely, type RawBuilder, type SelectQueryBuilder } from "kysely";
import type { Database } from "../store/tables.ts";
import { agentOf, changesIn, conversationsIn, dayOf, emptyFigures, type Figures, type Scope } from "./figures.ts";
import type { Period } from "./period.ts";

/**
 * The summary's figures on SQLite, aggregated by the database: each indexed time range read once,
 * local days and hours from strftime with the zone's offsets for the period (period.ts finds them
 * once, so SQLite needs no time zone of its own), and percentiles with window functions (the
 * two values around each percentile's position, interpolated as percentile_cont does).
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

  const responses = inRange(conversationsIn(db, s), "rc.created_at")
    .where("rc.first_contact_at", "is not", null)
    .where("rc.first_response_at", "is not", null);
  const secs = millis("rc.first_response_at", "rc.first_contact_at");
  const grouped = await percentiles(
    db,
    sql`select '' as grp, ${secs} as secs from (${responses.selectAll("rc")}) as rc
        union all select 'd' || ${day("rc.created_at")}, ${secs} from (${responses.selectAll("rc")}) as rc
        union all select 'a' || rc.first_responder, ${secs} from (${responses.selectAll("rc")}) as rc
          where rc.first_responder is not null`,
  );
  for (const [grp, p] of grouped) {
    if (grp === "") f.firstResponse = p;
    else if (grp.startsWith("d")) dayOf(f, grp.slice(1)).medianFirstResponse = p.median;
    else agentOf(f, grp.slice(1)).medianFirstResponse = p.median;
  }

  const resolved = inRange(conversationsIn(db, s), "rc.resolved_at").select(
    millis("rc.resolved_at", "rc.created_at").as("secs"),
  );
  f.resolution = (await percentiles(db, sql`select '' as grp, secs from (${resolved})`)).get("") ?? f.resolution;

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

/**
 * Median and p90 of `secs` in each `grp` of the rows `values` gives, by window functions: only the
 * two rows around each position come back, and are interpolated here as percentile_cont does.
 */
async function percentiles(db: Kysely<Database>, values: RawBuilder<unknown>) {
  const { rows } = await sql<{ grp: string; n: number; i: number; secs: number }>`
    with v as (
      select grp, secs, row_number() over (partition by grp order by secs) - 1 as i, count(*) over (partition by grp) as n
      from (${values})
    )
    select grp, n, i, secs from v
    where i = cast(0.5 * (n - 1) as integer) or i = cast(0.5 * (n - 1) as integer) + 1
       or i = cast(0.9 * (n - 1) as integer) or i = cast(0.9 * (n - 1) as integer) + 1`.execute(db);
  const byGroup = new Map<string, { n: number; at: Map<number, number> }>();
  for (const r of rows) {
    let g = byGroup.get(r.grp);
    if (!g) byGroup.set(r.grp, (g = { n: Number(r.n), at: new Map() }));
    g.at.set(Number(r.i), Number(r.secs));
  }
  const cont = (g: { n: number; at: Map<number, number> }, p: number) => {
    const pos = p * (g.n - 1);
    const lo = Math.floor(pos);
    const low = g.at.get(lo)!;
    return pos === lo ? low : low + (g.at.get(lo + 1)! - low) * (pos - lo);
  };
  return new Map([...byGroup].map(([grp, g]) => [grp, { median: cont(g, 0.5), p90: cont(g, 0.9) }]));
}
