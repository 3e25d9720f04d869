import { z } from "zod";
import { text } from "./common.ts";

/** The days of a week as business hours name them, Monday first (ISO weekday 1–7). */
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const Clock = z
  .string()
  .regex(/^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/, "must be a time such as 09:00 (24:00 ends a day)");

/** Minutes since midnight of an "HH:MM" clock time ("24:00" is 1440). */
export function minutesOf(clock: string): number {
  return Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));
}

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return zone.includes("/") || zone === "UTC";
  } catch {
    return false;
  }
}

const DayRanges = z
  .array(z.tuple([Clock, Clock]))
  .max(12)
  .superRefine((ranges, ctx) => {
    const sorted = [...ranges].sort((a, b) => minutesOf(a[0]) - minutesOf(b[0]));
    for (const [i, [from, to]] of sorted.entries()) {
      if (minutesOf(from) >= minutesOf(to))
        ctx.addIssue({ code: "custom", message: `${from}–${to} ends before it starts` });
      const next = sorted[i + 1];
      if (next && minutesOf(next[0]) < minutesOf(to))
        ctx.addIssue({ code: "custom", message: `${from}–${to} overlaps ${next[0]}–${next[1]}` });
    }
  });

export const BusinessHours = z
  .object({
    timezone: text(64).refine(validTimeZone, "must be an IANA time zone such as Europe/Stockholm"),
    hours: z
      .object(
        Object.fromEntries(WEEKDAYS.map((d) => [d, DayRanges.optional()])) as Record<
          Weekday,
          z.ZodOptional<typeof DayRanges>
        >,
      )
      .strict()
      .meta({ description: 'Open ranges per day, e.g. { "mon": [["09:00", "17:00"]] }; a missing day is closed' }),
  })
  .strict()
  .meta({ id: "BusinessHours", description: "When the team answers; null means always open" });
export type BusinessHours = z.infer<typeof BusinessHours>;

export const ReplyTime = z.enum(["minutes", "hours", "day"]).meta({ description: "When the team typically replies" });
export type ReplyTime = z.infer<typeof ReplyTime>;

export const Assignment = z
  .object({
    mode: z.enum(["manual", "round_robin"]),
    maxOpen: z.number().int().min(1).max(1000).default(5),
  })
  .strict()
  .meta({ id: "Assignment" });
export type Assignment = z.infer<typeof Assignment>;

export const Availability = z.enum(["online", "away", "offline"]);
export type Availability = z.infer<typeof Availability>;
