/** The reports page's period picker: today, the last 7 or 30 days, or custom days, in the agent's time zone. */
export type PeriodChoice = "today" | "7d" | "30d" | "custom";

export interface ReportFilters {
  choice: PeriodChoice;
  from: string;
  to: string;
  siteId: string;
  queue: string;
  tag: string;
  assignee: string;
}

/** The local calendar day of an instant in `tz`, as YYYY-MM-DD. */
export function localDay(at: Date, tz: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit" })
    .formatToParts(at)
    .reduce<Record<string, string>>((acc, p) => ((acc[p.type] = p.value), acc), {});
  return `${parts.year}-${parts.month}-${parts.day}`;
}

/** `day` moved by `n` calendar days. */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** The from/to days of a preset, ending today; custom keeps what was chosen. */
export function periodFor(choice: PeriodChoice, today: string, custom: { from: string; to: string }) {
  if (choice === "today") return { from: today, to: today };
  if (choice === "7d") return { from: addDays(today, -6), to: today };
  if (choice === "30d") return { from: addDays(today, -29), to: today };
  return custom;
}

/** The query string of the summary (and its CSV) for these filters. */
export function summaryQuery(f: ReportFilters, tz: string): Record<string, string> {
  const q: Record<string, string> = { from: f.from, to: f.to, tz };
  if (f.siteId) q.siteId = f.siteId;
  if (f.queue.trim()) q.queue = f.queue.trim();
  if (f.tag.trim()) q.tag = f.tag.trim();
  if (f.assignee) q.assignee = f.assignee;
  return q;
}

/** Seconds as people read them: 45 s, 12 min, 3.5 h, 2.1 d; an em dash for none. */
export function duration(seconds: number | null): string {
  if (seconds === null) return "—";
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 129_600) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}
