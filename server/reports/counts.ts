import { sql, type Kysely, type RawBuilder } from "kysely";
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

/**
 * Solves, closes and assignments in the period: each conversation once per figure. A change counts
 * when the change before it (of its kind to its conversation, or with its agent too: migration
 * 0021) is older than the period, or, per day, than its own local day; so each figure is a plain
 * count over the range's index.
 */
export async function addChanges(db: Kysely<Database>, s: Scope, f: Figures): Promise<void> {
  const { start, end } = s.period;
  const changes = (kinds: string[], prev: "ch.prev_ms" | "ch.prev_agent_ms") =>
    changesIn(db, s)
      .where("ch.created_ms", ">=", start)
      .where("ch.created_ms", "<", end)
      .where("ch.kind", "in", kinds)
      .where((eb) => eb.or([eb(prev, "is", null), eb(prev, "<", start)]));
  const [totals, perAgent, perDay] = await Promise.all([
    changes(["solved", "closed"], "ch.prev_ms")
      .select(["ch.kind", count.as("n")])
      .groupBy("ch.kind")
      .execute(),
    changes(["assigned", "solved"], "ch.prev_agent_ms")
      .where("ch.agent_id", "is not", null)
      .select(["ch.kind", "ch.agent_id", count.as("n")])
      .groupBy(["ch.kind", "ch.agent_id"])
      .execute(),
    changesIn(db, s)
      .where("ch.created_ms", ">=", start)
      .where("ch.created_ms", "<", end)
      .where("ch.kind", "=", "solved")
      .where((eb) =>
        eb.or([
          eb("ch.prev_ms", "is", null),
          eb(localDay("ch.prev_ms", s.period), "<", localDay("ch.created_ms", s.period)),
        ]),
      )
      .select([localDay("ch.created_ms", s.period).as("day"), count.as("n")])
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
  for (const r of perDay) dayOf(f, dateOf(r.day)).solved = Number(r.n);
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
