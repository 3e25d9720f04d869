import { z } from "zod";
import { idOf, text } from "./common.ts";
import { AgentId, Queue, Tag } from "./conversation.ts";

/** Reports (CONTRACT §10, docs/reports.md). */

/** The longest period a summary covers (the event log keeps at least this much). */
export const MAX_REPORT_DAYS = 366;

const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date as YYYY-MM-DD")
  .refine(
    (d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d),
    {
      message: "must be a calendar date",
    },
  );

/** Whether this runtime knows the IANA time zone `tz`. */
export function knownTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const dayNumber = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;

export const ReportQuery = z
  .object({
    from: Day.meta({ description: "First day of the period (inclusive), in `tz`", example: "2026-11-01" }),
    to: Day.meta({ description: "Last day of the period (inclusive), in `tz`", example: "2026-11-30" }),
    tz: text(64)
      .refine(knownTimeZone, "must be an IANA time zone such as Europe/Stockholm")
      .default("UTC")
      .meta({ description: "IANA time zone the days and hours are counted in", example: "Asia/Kolkata" }),
    siteId: idOf("site_").optional(),
    queue: Queue.optional(),
    tag: Tag.optional(),
    assignee: z
      .union([z.literal("none"), AgentId])
      .optional()
      .meta({ description: "Conversations assigned now to this agent, or `none` for unassigned" }),
  })
  .strict()
  .refine((q) => dayNumber(q.to) >= dayNumber(q.from), { message: "must not be before from", path: ["to"] })
  .refine((q) => dayNumber(q.to) - dayNumber(q.from) < MAX_REPORT_DAYS, {
    message: `a period is at most ${MAX_REPORT_DAYS} days`,
    path: ["to"],
  });
export type ReportQuery = z.infer<typeof ReportQuery>;

const seconds = z.number().nullable();
const Percentiles = z.object({ median: seconds, p90: seconds });

export const ReportSummary = z
  .object({
    conversations: z.object({
      started: z.number().int().meta({ description: "Conversations created in the period" }),
      solved: z.number().int().meta({ description: "Conversations that became solved in the period" }),
      closed: z.number().int().meta({ description: "Conversations that became closed in the period" }),
    }),
    firstResponseSeconds: Percentiles.meta({
      description:
        "First contact message → first human agent message after it, for conversations started in the period",
    }),
    resolutionSeconds: Percentiles.meta({
      description: "Creation → first solved or closed, for conversations first resolved in the period",
    }),
    satisfaction: z.object({
      count: z.number().int(),
      average: z.number().nullable(),
      distribution: z.object({
        "1": z.number().int(),
        "2": z.number().int(),
        "3": z.number().int(),
        "4": z.number().int(),
        "5": z.number().int(),
      }),
    }),
    perDay: z.array(
      z.object({
        date: z.string().meta({ example: "2026-11-02" }),
        started: z.number().int(),
        solved: z.number().int(),
        medianFirstResponseSeconds: seconds,
      }),
    ),
    byHour: z.array(
      z.object({
        weekday: z.number().int().meta({ description: "0 Sunday … 6 Saturday, in `tz`" }),
        hour: z.number().int(),
        started: z.number().int(),
      }),
    ),
    agents: z.array(
      z.object({
        agentId: z.string(),
        name: z.string(),
        assigned: z.number().int(),
        solved: z.number().int(),
        medianFirstResponseSeconds: seconds,
        satisfactionAverage: z.number().nullable(),
      }),
    ),
  })
  .meta({ id: "ReportSummary" });
export type ReportSummary = z.infer<typeof ReportSummary>;
