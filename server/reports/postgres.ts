import { sql, type Kysely, type RawBuilder } from "kysely";
import type { Database } from "../store/tables.ts";
import { addChanges, addRatings, addStarted, dateOf, localDay } from "./counts.ts";
import { agentOf, conversationsIn, dayOf, emptyFigures, type Figures, type Scope } from "./figures.ts";

/**
 * The summary's figures on PostgreSQL, computed by the database: the counts of counts.ts, and
 * percentile_cont over each time range, with grouping sets so that the totals, each day and each
 * agent come from one pass. The queries run side by side on the pool.
 */
export async function postgresFigures(db: Kysely<Database>, s: Scope): Promise<Figures> {
  const f = emptyFigures();
  const { start, end } = s.period;
  const cont = (p: number, column: RawBuilder<unknown>) =>
    sql<number | null>`percentile_cont(${sql.lit(p)}) within group (order by ${column})`;

  const responses = conversationsIn(db, s)
    .select([localDay("rc.created_ms", s.period).as("day"), "rc.first_responder as agent", "rc.response_ms as ms"])
    .where("rc.created_ms", ">=", start)
    .where("rc.created_ms", "<", end)
    .where("rc.response_ms", "is not", null);
  const responseQ = db
    .selectFrom(responses.as("b"))
    .select([
      "b.day",
      "b.agent",
      sql<number>`grouping(b.day, b.agent)`.as("g"),
      cont(0.5, sql`b.ms`).as("median"),
      cont(0.9, sql`b.ms`).as("p90"),
    ])
    .groupBy(sql`grouping sets ((), (b.day), (b.agent))`);

  const resolutionQ = conversationsIn(db, s)
    .select([cont(0.5, sql`rc.resolution_ms`).as("median"), cont(0.9, sql`rc.resolution_ms`).as("p90")])
    .where("rc.resolved_ms", ">=", start)
    .where("rc.resolved_ms", "<", end);

  const [response, resolution] = await Promise.all([
    responseQ.execute(),
    resolutionQ.executeTakeFirst(),
    addStarted(db, s, f),
    addChanges(db, s, f, "postgres"),
    addRatings(db, s, f),
  ]);
  for (const r of response) {
    const g = Number(r.g);
    const median = num(r.median);
    if (g === 3) f.firstResponse = { median, p90: num(r.p90) };
    else if (g === 1 && r.day !== null) dayOf(f, dateOf(r.day)).medianFirstResponse = median;
    else if (g === 2 && r.agent) agentOf(f, r.agent).medianFirstResponse = median;
  }
  f.resolution = { median: num(resolution?.median), p90: num(resolution?.p90) };
  return f;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
