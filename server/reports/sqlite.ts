import type { Kysely } from "kysely";
import type { Database } from "../store/tables.ts";
import { addChanges, addRatings, addStarted, dateOf, localDay } from "./counts.ts";
import { agentOf, conversationsIn, dayOf, emptyFigures, type Figures, type Scope } from "./figures.ts";
import { percentile } from "./period.ts";

/**
 * The summary's figures on SQLite: counts aggregated by the database over each indexed range
 * (counts.ts); the durations read once per range, as integers from the covering index, and their
 * percentiles interpolated here as percentile_cont does.
 */
export async function sqliteFigures(db: Kysely<Database>, s: Scope): Promise<Figures> {
  const f = emptyFigures();
  const { start, end } = s.period;
  await addStarted(db, s, f);

  const responses = await conversationsIn(db, s)
    .where("rc.created_ms", ">=", start)
    .where("rc.created_ms", "<", end)
    .where("rc.response_ms", "is not", null)
    .select([localDay("rc.created_ms", s.period).as("day"), "rc.first_responder as agent", "rc.response_ms as ms"])
    .execute();
  const all: number[] = [];
  const byDay = new Map<number, number[]>();
  const byAgent = new Map<string, number[]>();
  for (const r of responses) {
    const ms = Number(r.ms);
    all.push(ms);
    push(byDay, Number(r.day), ms);
    if (r.agent) push(byAgent, r.agent, ms);
  }
  f.firstResponse = percentiles(all);
  for (const [d, list] of byDay) dayOf(f, dateOf(d)).medianFirstResponse = percentiles(list).median;
  for (const [a, list] of byAgent) agentOf(f, a).medianFirstResponse = percentiles(list).median;

  const resolved = await conversationsIn(db, s)
    .where("rc.resolved_ms", ">=", start)
    .where("rc.resolved_ms", "<", end)
    .select("rc.resolution_ms as ms")
    .execute();
  f.resolution = percentiles(resolved.map((r) => Number(r.ms)));

  await addChanges(db, s, f);
  await addRatings(db, s, f);
  return f;
}

function push<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Median and p90, as percentile_cont interpolates them. */
function percentiles(values: number[]) {
  const sorted = Float64Array.from(values).sort();
  return { median: percentile(sorted, 0.5), p90: percentile(sorted, 0.9) };
}
