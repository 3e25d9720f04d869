import { sql, type Kysely, type SelectQueryBuilder } from "kysely";
import type { ReportQuery } from "../../shared/schemas/index.ts";
import type { Database } from "../store/tables.ts";
import type { Period } from "./period.ts";

/**
 * What both engines compute for a summary (scan.ts on SQLite, postgres.ts with percentile_cont),
 * before summary.ts shapes the answer. Durations here are in milliseconds.
 */
export interface Figures {
  started: number;
  solved: number;
  closed: number;
  firstResponse: Percentiles;
  resolution: Percentiles;
  /** Count of each score 1–5 among the ratings given in the period that still stand. */
  scores: Record<1 | 2 | 3 | 4 | 5, number>;
  perDay: Map<string, { started: number; solved: number; medianFirstResponse: number | null }>;
  /** "weekday:hour" → conversations started. */
  byHour: Map<string, number>;
  agents: Map<string, AgentFigures>;
}

export interface Percentiles {
  median: number | null;
  p90: number | null;
}

export interface AgentFigures {
  assigned: number;
  solved: number;
  medianFirstResponse: number | null;
  ratingSum: number;
  ratingCount: number;
}

export function emptyFigures(): Figures {
  return {
    started: 0,
    solved: 0,
    closed: 0,
    firstResponse: { median: null, p90: null },
    resolution: { median: null, p90: null },
    scores: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 },
    perDay: new Map(),
    byHour: new Map(),
    agents: new Map(),
  };
}

export function agentOf(f: Figures, id: string): AgentFigures {
  let a = f.agents.get(id);
  if (!a) f.agents.set(id, (a = { assigned: 0, solved: 0, medianFirstResponse: null, ratingSum: 0, ratingCount: 0 }));
  return a;
}

export function dayOf(f: Figures, day: string) {
  let d = f.perDay.get(day);
  if (!d) f.perDay.set(day, (d = { started: 0, solved: 0, medianFirstResponse: null }));
  return d;
}

/** The query's filters, with the site the caller is held to (null: every site). */
export interface Scope {
  query: ReportQuery;
  site: string | null;
  period: Period;
}

/** report_conversations as `rc`, narrowed to the scope's site, queue, assignee and tag. */
export function conversationsIn(
  db: Kysely<Database>,
  s: Scope,
): SelectQueryBuilder<Database & { rc: Database["report_conversations"] }, "rc", object> {
  let q = db.selectFrom("report_conversations as rc");
  const site = s.site ?? s.query.siteId;
  if (site) q = q.where("rc.site_id", "=", site);
  if (s.query.queue) q = q.where("rc.queue", "=", s.query.queue);
  if (s.query.assignee === "none") q = q.where("rc.assignee", "is", null);
  else if (s.query.assignee) q = q.where("rc.assignee", "=", s.query.assignee);
  if (s.query.tag) {
    const tag = s.query.tag;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom("conversation_tags as t")
          .select(sql`1`.as("one"))
          .whereRef("t.conversation_id", "=", "rc.conversation_id")
          .where("t.tag", "=", tag),
      ),
    );
  }
  return q;
}

/** Whether the scope narrows the conversations at all (else a summary reads the changes alone). */
export function filtered(s: Scope): boolean {
  const q = s.query;
  return !!(s.site ?? q.siteId ?? q.queue ?? q.assignee ?? q.tag);
}

/**
 * report_changes as `ch`, narrowed to the scope's conversations when a filter is set: each change
 * of the range looks its conversation up (EXISTS), so the cost follows the period, not the table.
 */
export function changesIn(db: Kysely<Database>, s: Scope) {
  const q = db.selectFrom("report_changes as ch");
  if (!filtered(s)) return q;
  return q.where((eb) =>
    eb.exists(
      conversationsIn(db, s)
        .select(sql`1`.as("one"))
        .where(sql.ref("rc.conversation_id"), "=", sql.ref("ch.conversation_id")),
    ),
  );
}
