import type { Kysely } from "kysely";
import type { Database } from "../store/tables.ts";
import { agentOf, conversationsIn, dayOf, emptyFigures, type Figures, type Scope } from "./figures.ts";
import { percentile } from "./period.ts";

/**
 * The summary's figures on SQLite: one pass over each indexed time range (conversations started,
 * first resolved, rated; assignments, solves and closes), counting and collecting durations as the
 * rows go by; percentiles from the sorted durations (the same interpolation as percentile_cont).
 */
export async function scanFigures(db: Kysely<Database>, s: Scope): Promise<Figures> {
  const f = emptyFigures();
  const { start, end } = s.period;
  const [started, resolvedRows, changes, rated] = await Promise.all([
    conversationsIn(db, s)
      .select(["rc.created_at", "rc.first_contact_at", "rc.first_response_at", "rc.first_responder"])
      .where("rc.created_at", ">=", start)
      .where("rc.created_at", "<", end)
      .execute(),
    conversationsIn(db, s)
      .select(["rc.created_at", "rc.resolved_at"])
      .where("rc.resolved_at", ">=", start)
      .where("rc.resolved_at", "<", end)
      .execute(),
    conversationsIn(db, s)
      .innerJoin("report_changes as ch", "ch.conversation_id", "rc.conversation_id")
      .select(["ch.kind", "ch.agent_id", "ch.created_at", "ch.conversation_id"])
      .where("ch.created_at", ">=", start)
      .where("ch.created_at", "<", end)
      .execute(),
    conversationsIn(db, s)
      .select(["rc.rating_score", "rc.rating_agent"])
      .where("rc.rated_at", ">=", start)
      .where("rc.rated_at", "<", end)
      .execute(),
  ]);

  const all: number[] = [];
  const byDay = new Map<string, number[]>();
  const byAgent = new Map<string, number[]>();
  for (const r of started) {
    const at = s.period.local(r.created_at);
    f.started++;
    dayOf(f, at.day).started++;
    const cell = `${at.weekday}:${at.hour}`;
    f.byHour.set(cell, (f.byHour.get(cell) ?? 0) + 1);
    if (!r.first_contact_at || !r.first_response_at) continue;
    const seconds = (Date.parse(r.first_response_at) - Date.parse(r.first_contact_at)) / 1000;
    all.push(seconds);
    push(byDay, at.day, seconds);
    if (r.first_responder) push(byAgent, r.first_responder, seconds);
  }
  f.firstResponse = percentiles(all);
  for (const [day, list] of byDay) dayOf(f, day).medianFirstResponse = percentiles(list).median;
  for (const [agent, list] of byAgent) agentOf(f, agent).medianFirstResponse = percentiles(list).median;

  f.resolution = percentiles(resolvedRows.map((r) => (Date.parse(r.resolved_at!) - Date.parse(r.created_at)) / 1000));

  const seen = new Set<string>();
  const once = (key: string) => !seen.has(key) && !!seen.add(key);
  for (const c of changes) {
    if (c.kind === "assigned") {
      if (c.agent_id && once(`a:${c.agent_id}:${c.conversation_id}`)) agentOf(f, c.agent_id).assigned++;
      continue;
    }
    if (once(`${c.kind}:${c.conversation_id}`)) {
      if (c.kind === "closed") f.closed++;
      else f.solved++;
    }
    if (c.kind !== "solved") continue;
    const day = s.period.local(c.created_at).day;
    if (once(`d:${day}:${c.conversation_id}`)) dayOf(f, day).solved++;
    if (c.agent_id && once(`s:${c.agent_id}:${c.conversation_id}`)) agentOf(f, c.agent_id).solved++;
  }

  for (const r of rated) {
    const score = Number(r.rating_score) as 1 | 2 | 3 | 4 | 5;
    if (!(score in f.scores)) continue;
    f.scores[score]++;
    if (r.rating_agent) {
      const a = agentOf(f, r.rating_agent);
      a.ratingSum += score;
      a.ratingCount++;
    }
  }
  return f;
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function percentiles(values: number[]) {
  const sorted = values.sort((a, b) => a - b);
  return { median: percentile(sorted, 0.5), p90: percentile(sorted, 0.9) };
}
