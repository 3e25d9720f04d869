import type { ReportQuery, ReportSummary } from "../../shared/schemas/index.ts";
import type { Ctx, Principal } from "../domain/context.ts";
import { authorize, siteScopeOf } from "../domain/permissions.ts";
import type { Figures } from "./figures.ts";
import { periodOf, roundAverage, roundSeconds } from "./period.ts";
import { postgresFigures } from "./postgres.ts";
import { sqliteFigures } from "./sqlite.ts";

/**
 * GET /v1/reports/summary (CONTRACT §10, docs/reports.md). Owners, admins and tokens see every
 * agent's row; an agent sees the team's totals and its own row only.
 */
export async function reportSummary(ctx: Ctx, p: Principal, query: ReportQuery): Promise<ReportSummary> {
  authorize(p, "report.read", query.siteId ? { siteId: query.siteId } : undefined, "Site");
  const period = periodOf(query.from, query.to, query.tz);
  const scope = { query, site: siteScopeOf(p), period };
  const f = ctx.dialect === "postgres" ? await postgresFigures(ctx.db, scope) : await sqliteFigures(ctx.db, scope);
  const onlyAgent = p.kind === "agent" && p.role === "agent" ? p.agentId : null;
  return {
    conversations: { started: f.started, solved: f.solved, closed: f.closed },
    firstResponseSeconds: { median: roundSeconds(f.firstResponse.median), p90: roundSeconds(f.firstResponse.p90) },
    resolutionSeconds: { median: roundSeconds(f.resolution.median), p90: roundSeconds(f.resolution.p90) },
    satisfaction: satisfaction(f),
    perDay: period.days.map((date) => {
      const d = f.perDay.get(date);
      return {
        date,
        started: d?.started ?? 0,
        solved: d?.solved ?? 0,
        medianFirstResponseSeconds: roundSeconds(d?.medianFirstResponse ?? null),
      };
    }),
    byHour: Array.from({ length: 7 * 24 }, (_, i) => {
      const weekday = Math.floor(i / 24);
      const hour = i % 24;
      return { weekday, hour, started: f.byHour.get(`${weekday}:${hour}`) ?? 0 };
    }),
    agents: await agentRows(ctx, f, onlyAgent),
  };
}

function satisfaction(f: Figures): ReportSummary["satisfaction"] {
  const s = f.scores;
  const count = s[1] + s[2] + s[3] + s[4] + s[5];
  const sum = s[1] + 2 * s[2] + 3 * s[3] + 4 * s[4] + 5 * s[5];
  return {
    count,
    average: roundAverage(sum, count),
    distribution: { "1": s[1], "2": s[2], "3": s[3], "4": s[4], "5": s[5] },
  };
}

/** Every active agent, and any other agent with figures in the period; by name. */
async function agentRows(ctx: Ctx, f: Figures, only: string | null): Promise<ReportSummary["agents"]> {
  let q = ctx.db.selectFrom("agents").select(["id", "name", "active"]);
  if (only) q = q.where("id", "=", only);
  const agents = await q.orderBy("name").orderBy("id").execute();
  return agents
    .filter((a) => only || Number(a.active) === 1 || f.agents.has(a.id))
    .map((a) => {
      const x = f.agents.get(a.id);
      return {
        agentId: a.id,
        name: a.name,
        assigned: x?.assigned ?? 0,
        solved: x?.solved ?? 0,
        medianFirstResponseSeconds: roundSeconds(x?.medianFirstResponse ?? null),
        satisfactionAverage: x ? roundAverage(x.ratingSum, x.ratingCount) : null,
      };
    });
}

/** perDay as CSV (RFC 4180; the dates and numbers need no quoting). Empty medians are empty cells. */
export function perDayCsv(summary: ReportSummary): string {
  const lines = ["date,started,solved,medianFirstResponseSeconds"];
  for (const d of summary.perDay)
    lines.push(`${d.date},${d.started},${d.solved},${d.medianFirstResponseSeconds ?? ""}`);
  return lines.join("\r\n") + "\r\n";
}
