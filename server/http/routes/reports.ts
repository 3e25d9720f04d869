import { Router } from "express";
import { z } from "zod";
import { ReportQuery, ReportSummary } from "../../../shared/schemas/index.ts";
import type { Ctx } from "../../domain/context.ts";
import { perDayCsv, reportSummary } from "../../reports/summary.ts";
import { define } from "../route.ts";
import { errorResponses } from "./common.ts";

const figures =
  "Started, solved and closed conversations, first-response and resolution times (median and p90, from the " +
  "event log), satisfaction, conversations per day, by weekday × hour, and per agent, for the days `from`…`to` " +
  "(inclusive) in time zone `tz`. A period with nothing in it answers zeros and nulls. An agent sees the totals " +
  "and only its own row in `agents`. See docs/reports.md for each figure.";

/** Reports (CONTRACT §10). */
export function reportRoutes(ctx: Ctx): Router {
  const r = Router();

  define(
    r,
    {
      method: "get",
      path: "/v1/reports/summary",
      action: "report.read",
      tag: "Reports",
      summary: "Report summary",
      description: figures,
      query: ReportQuery,
      responses: { 200: { description: "The period's figures", schema: ReportSummary }, ...errorResponses },
    },
    async ({ query, principal }) => ({ status: 200, body: await reportSummary(ctx, principal, query) }),
  );

  define(
    r,
    {
      method: "get",
      path: "/v1/reports/summary.csv",
      action: "report.read",
      tag: "Reports",
      summary: "Conversations per day as CSV",
      description:
        "The summary's `perDay` as CSV: a header `date,started,solved,medianFirstResponseSeconds`, then one line " +
        "per day of the period (an empty cell where there is no median). Same query as the summary.",
      query: ReportQuery,
      responses: {
        200: { description: "perDay as CSV", schema: z.string(), mediaType: "text/csv" },
        ...errorResponses,
      },
    },
    async ({ query, principal }) => {
      const summary = await reportSummary(ctx, principal, query);
      const name = `parley-report-${query.from}-${query.to}.csv`;
      return {
        status: 200,
        text: perDayCsv(summary),
        headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${name}"` },
      };
    },
  );

  return r;
}
