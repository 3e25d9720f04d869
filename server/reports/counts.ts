import { sql, type Kysely, type RawBuilder } from "kysely";
import type { Dialect } from "../store/db.ts";
import type { Database } from "../store/tables.ts";
import { agentOf, changesIn, conversationsIn, dayOf, type Figures, type Scope } from "./figures.ts";
import type { Period } from "./period.ts";

/**
 * The counts both databases compute alike (docs/reports.md): instants are epoch milliseconds, so
 * a local day or hour is integer arithmetic on them with the zone's offsets over the period
 * (period.ts finds them once), and no timestamp is parsed.
 */

export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** The column's instant moved to local time (ms): plus the offset, or a CASE over its changes. */
export function localMs(column: string, period: Period): RawBuilder<number> {
  const ref = sql.ref(column);
  const ms = (offset: number) => sql.lit(offset * 60_000);
  const [first, ...rest] = period.segments;
  if (rest.length === 0) return sql<number>`(${ref} + ${ms(first!.offset)})`;
  const whens = period.segments
    .slice(0, -1)
    .map((seg, i) => sql`when ${ref} < ${sql.lit(period.segments[i + 1]!.from)} then ${ms(seg.offset)}`);
  return sql<number>`(${ref} + case ${sql.join(whens, sql` `)} else ${ms(period.segments.at(-1)!.offset)} end)`;
}

/** The local day (an integer: days since 1970-01-01) of the column's instant. */
export const localDay = (column: string, period: Period) => sql<number>`${localMs(column, period)} / ${sql.lit(DAY)}`;

/** The date (YYYY-MM-DD) of a local day number. */
export const dateOf = (day: unknown) => new Date(Number(day) * DAY).toISOString().slice(0, 10);

const count = sql<number>`count(*)`;

/** Conversations started, by local hour (hours since 1970-01-01, local), and the figures from them. */
export async function addStarted(db: Kysely<Database>, s: Scope, f: Figures): Promise<void> {
  const { start, end } = s.period;
  const rows = await conversationsIn(db, s)
    .select([sql<number>`${localMs("rc.created_ms", s.period)} / ${sql.lit(HOUR)}`.as("h"), count.as("n")])
    .where("rc.created_ms", ">=", start)
    .where("rc.created_ms", "<", end)
    .groupBy(sql`1`)
    .execute();
  for (const r of rows) {
    const n = Number(r.n);
    const local = new Date(Number(r.h) * HOUR);
    f.started += n;
    dayOf(f, local.toISOString().slice(0, 10)).started += n;
    const cell = `${local.getUTCDay()}:${local.getUTCHours()}`;
    f.byHour.set(cell, (f.byHour.get(cell) ?? 0) + n);
  }
}

/** What the changes give: the period's solves and closes, each agent's row, each day's solves. */
type Part = "totals" | "agents" | "days";
const parts: Part[] = ["totals", "agents", "days"];
const kindsOf: Record<Part, string[]> = {
  totals: ["solved", "closed"],
  agents: ["assigned", "solved"],
  days: ["solved"],
};

/**
 * Solves, closes and assignments in the period: each conversation once per figure. A change counts
 * when the change before it (of its kind to its conversation, or with its agent too: migration
 * 0021) is older than the period, or, per day, than its own local day; so each figure is a sum over
 * the range's index, not a count of distinct conversations. SQLite, whose one connection runs a
 * summary's queries one after another, takes them all from one pass over the range; PostgreSQL
 * takes each part in a query of its own, side by side on the pool.
 */
export async function addChanges(db: Kysely<Database>, s: Scope, f: Figures, dialect: Dialect): Promise<void> {
  if (dialect === "sqlite") addCounts(f, await changeCounts(db, s, parts), parts);
  else await Promise.all(parts.map(async (p) => addCounts(f, await changeCounts(db, s, [p]), [p])));
}

/** The range's changes grouped by kind, and by agent and local day for those parts. */
function changeCounts(db: Kysely<Database>, s: Scope, want: Part[]) {
  const { start, end } = s.period;
  const day = localDay("ch.created_ms", s.period);
  // Counted: the change has none before it, or that one (`earlier`, an instant or a day) is `than`.
  const counted = (prev: string, earlier: unknown, than: unknown) =>
    sql<number>`sum(case when ${sql.ref(prev)} is null or ${earlier} < ${than} then 1 else 0 end)`;
  const byAgent = want.includes("agents");
  const byDay = want.includes("days");
  let q = changesIn(db, s)
    .where("ch.created_ms", ">=", start)
    .where("ch.created_ms", "<", end)
    .select([
      "ch.kind",
      sql<string | null>`${byAgent ? sql.ref("ch.agent_id") : sql`null`}`.as("agent"),
      (byDay ? day : sql<number | null>`null`).as("day"),
      counted("ch.prev_ms", sql.ref("ch.prev_ms"), start).as("once"),
      counted("ch.prev_agent_ms", sql.ref("ch.prev_agent_ms"), start).as("agentOnce"),
      counted("ch.prev_ms", localDay("ch.prev_ms", s.period), day).as("dayOnce"),
    ])
    .groupBy(["ch.kind", ...(byAgent ? [sql`2`] : []), ...(byDay ? [sql`3`] : [])]);
  // One part alone reads only its kinds (and the agents' part only changes with an agent).
  if (want.length === 1) q = q.where("ch.kind", "in", kindsOf[want[0]!]);
  if (want.length === 1 && byAgent) q = q.where("ch.agent_id", "is not", null);
  return q.execute();
}

type Counts = Awaited<ReturnType<typeof changeCounts>>;

function addCounts(f: Figures, rows: Counts, want: Part[]): void {
  for (const r of rows) {
    if (want.includes("totals") && r.kind === "closed") f.closed += Number(r.once);
    if (want.includes("totals") && r.kind === "solved") f.solved += Number(r.once);
    if (want.includes("days") && r.kind === "solved") dayOf(f, dateOf(r.day)).solved += Number(r.dayOnce);
    if (!want.includes("agents") || !r.agent || r.kind === "closed" || !Number(r.agentOnce)) continue;
    const a = agentOf(f, r.agent);
    if (r.kind === "assigned") a.assigned += Number(r.agentOnce);
    else a.solved += Number(r.agentOnce);
  }
}

/** The standing ratings given in the period, by score and by the agent they were given under. */
export async function addRatings(db: Kysely<Database>, s: Scope, f: Figures): Promise<void> {
  const rows = await conversationsIn(db, s)
    .select(["rc.rating_score as score", "rc.rating_agent as agent", count.as("n")])
    .where("rc.rated_ms", ">=", s.period.start)
    .where("rc.rated_ms", "<", s.period.end)
    .groupBy(["rc.rating_score", "rc.rating_agent"])
    .execute();
  for (const r of rows) {
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
}
