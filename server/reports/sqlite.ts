import { sql, type Kysely } from "kysely";
import type { Database } from "../store/tables.ts";
import { addChanges, addRatings, addStarted, dateOf, localDay } from "./counts.ts";
import { agentOf, conversationsIn, dayOf, emptyFigures, type Figures, type Scope } from "./figures.ts";
import { percentile } from "./period.ts";

/**
 * The summary's figures on SQLite: counts aggregated by the database over each indexed range
 * (counts.ts); the durations read once per range from its covering index, as a list per local
 * day and first responder, and their percentiles interpolated here as percentile_cont does.
 */
export async function sqliteFigures(db: Kysely<Database>, s: Scope): Promise<Figures> {
  const f = emptyFigures();
  const { start, end } = s.period;
  await addStarted(db, s, f);

  // Each local day's and first responder's durations as one list (group_concat): SQLite builds
  // the few strings far faster than it hands over one row per conversation.
  const responses = await conversationsIn(db, s)
    .where("rc.created_ms", ">=", start)
    .where("rc.created_ms", "<", end)
    .where("rc.response_ms", "is not", null)
    .select([localDay("rc.created_ms", s.period).as("day"), "rc.first_responder as agent", list("rc.response_ms")])
    .groupBy([sql`1`, sql`2`])
    .execute();
  const all: number[] = [];
  const byDay = new Map<number, number[]>();
  const byAgent = new Map<string, number[]>();
  for (const r of responses) {
    const values = numbers(r.list);
    all.push(...values);
    push(byDay, Number(r.day), values);
    if (r.agent) push(byAgent, r.agent, values);
  }
  f.firstResponse = percentiles(all);
  for (const [d, values] of byDay) dayOf(f, dateOf(d)).medianFirstResponse = percentiles(values).median;
  for (const [a, values] of byAgent) agentOf(f, a).medianFirstResponse = percentiles(values).median;

  const resolved = await conversationsIn(db, s)
    .where("rc.resolved_ms", ">=", start)
    .where("rc.resolved_ms", "<", end)
    .select(list("rc.resolution_ms"))
    .executeTakeFirst();
  f.resolution = percentiles(numbers(resolved?.list ?? null));

  await addChanges(db, s, f, "sqlite");
  await addRatings(db, s, f);
  return f;
}

/** The column's values in the group, as one comma-separated list (null when none). */
const list = (column: string) => sql<string | null>`group_concat(${sql.ref(column)})`.as("list");
const numbers = (list: string | null) => (list ? list.split(",").map(Number) : []);

function push<K>(map: Map<K, number[]>, key: K, values: number[]): void {
  const known = map.get(key);
  if (known) known.push(...values);
  else map.set(key, [...values]);
}

/** Median and p90, as percentile_cont interpolates them. */
function percentiles(values: number[]) {
  const sorted = Float64Array.from(values).sort();
  return { median: percentile(sorted, 0.5), p90: percentile(sorted, 0.9) };
}
