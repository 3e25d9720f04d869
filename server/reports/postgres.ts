import { sql, type Kysely, type RawBuilder } from "kysely";
import type { Database } from "../store/tables.ts";
import { agentOf, changesIn, conversationsIn, dayOf, emptyFigures, type Figures, type Scope } from "./figures.ts";

/**
 * The summary's figures on PostgreSQL, computed by the database: counts grouped by local day and
 * hour, and percentile_cont over each time range, with grouping sets so that the totals, each day
 * and each agent come from one pass.
 */
export async function postgresFigures(db: Kysely<Database>, s: Scope): Promise<Figures> {
  const f = emptyFigures();
  const { start, end, tz } = s.period;
  const local = (column: string) => sql`(${sql.ref(column)}::timestamptz at time zone ${tz})`;
  const day = (column: string) => sql<string>`to_char(${local(column)}, 'YYYY-MM-DD')`;
  const millis = (to: string, from: string) =>
    sql<number>`round(extract(epoch from (${sql.ref(to)}::timestamptz - ${sql.ref(from)}::timestamptz)) * 1000)::float8`;
  const cont = (p: number, column: RawBuilder<unknown>) =>
    sql<number | null>`percentile_cont(${sql.lit(p)}) within group (order by ${column})`;

  const startedQ = conversationsIn(db, s)
    .select([
      day("rc.created_at").as("day"),
      sql<number>`extract(hour from ${local("rc.created_at")})::int`.as("hour"),
      sql<number>`count(*)::int`.as("n"),
    ])
    .where("rc.created_at", ">=", start)
    .where("rc.created_at", "<", end)
    .groupBy([sql`1`, sql`2`]);

  const responses = conversationsIn(db, s)
    .select([
      day("rc.created_at").as("day"),
      "rc.first_responder as agent",
      millis("rc.first_response_at", "rc.first_contact_at").as("secs"),
    ])
    .where("rc.created_at", ">=", start)
    .where("rc.created_at", "<", end)
    .where("rc.first_contact_at", "is not", null)
    .where("rc.first_response_at", "is not", null);
  const responseQ = db
    .selectFrom(responses.as("b"))
    .select([
      "b.day",
      "b.agent",
      sql<number>`grouping(b.day, b.agent)`.as("g"),
      cont(0.5, sql`b.secs`).as("median"),
      cont(0.9, sql`b.secs`).as("p90"),
    ])
    .groupBy(sql`grouping sets ((), (b.day), (b.agent))`);

  const resolutionQ = conversationsIn(db, s)
    .select([
      cont(0.5, millis("rc.resolved_at", "rc.created_at")).as("median"),
      cont(0.9, millis("rc.resolved_at", "rc.created_at")).as("p90"),
    ])
    .where("rc.resolved_at", ">=", start)
    .where("rc.resolved_at", "<", end);

  const changes = (kinds: string[]) =>
    changesIn(db, s).where("ch.created_at", ">=", start).where("ch.created_at", "<", end).where("ch.kind", "in", kinds);
  const distinct = sql<number>`count(distinct ch.conversation_id)::int`;
  const totalsQ = changes(["solved", "closed"])
    .select(["ch.kind", distinct.as("n")])
    .groupBy("ch.kind");
  const perAgentQ = changes(["assigned", "solved"])
    .where("ch.agent_id", "is not", null)
    .select(["ch.kind", "ch.agent_id", distinct.as("n")])
    .groupBy(["ch.kind", "ch.agent_id"]);
  const perDayQ = changes(["solved"])
    .select([day("ch.created_at").as("day"), distinct.as("n")])
    .groupBy(sql`1`);

  const ratingsQ = conversationsIn(db, s)
    .select(["rc.rating_score as score", "rc.rating_agent as agent", sql<number>`count(*)::int`.as("n")])
    .where("rc.rated_at", ">=", start)
    .where("rc.rated_at", "<", end)
    .groupBy(["rc.rating_score", "rc.rating_agent"]);

  const [started, response, resolution, totals, perAgent, perDay, ratings] = await Promise.all([
    startedQ.execute(),
    responseQ.execute(),
    resolutionQ.executeTakeFirst(),
    totalsQ.execute(),
    perAgentQ.execute(),
    perDayQ.execute(),
    ratingsQ.execute(),
  ]);

  for (const r of started) {
    const n = Number(r.n);
    f.started += n;
    dayOf(f, r.day).started += n;
    const weekday = new Date(`${r.day}T00:00:00Z`).getUTCDay();
    const cell = `${weekday}:${Number(r.hour)}`;
    f.byHour.set(cell, (f.byHour.get(cell) ?? 0) + n);
  }
  for (const r of response) {
    const g = Number(r.g);
    const median = num(r.median);
    if (g === 3) f.firstResponse = { median, p90: num(r.p90) };
    else if (g === 1 && r.day) dayOf(f, r.day).medianFirstResponse = median;
    else if (g === 2 && r.agent) agentOf(f, r.agent).medianFirstResponse = median;
  }
  f.resolution = { median: num(resolution?.median), p90: num(resolution?.p90) };
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

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
