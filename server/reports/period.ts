import { DateTime, IANAZone } from "luxon";

/**
 * A report's period in its time zone: the UTC instants it starts and ends at, its days, and the
 * local day, weekday and hour of any instant in it (docs/reports.md).
 */
export interface Period {
  tz: string;
  /** ISO instants: the first local midnight, and the midnight after the last day (exclusive). */
  start: string;
  end: string;
  days: string[];
  /** Local day (YYYY-MM-DD), weekday (0 Sunday … 6 Saturday) and hour of an ISO instant. */
  local(iso: string): { day: string; weekday: number; hour: number };
}

const QUARTER_HOUR = 900_000;

export function periodOf(from: string, to: string, tz: string): Period {
  const first = DateTime.fromISO(from, { zone: tz }).startOf("day");
  const last = DateTime.fromISO(to, { zone: tz }).startOf("day");
  const days: string[] = [];
  for (let d = first; d <= last; d = d.plus({ days: 1 })) days.push(d.toISODate()!);
  const zone = IANAZone.create(tz);
  // Offsets change only at quarter hours of UTC (every zone's rules), so one lookup per quarter hour.
  const offsets = new Map<number, number>();
  const offsetAt = (ms: number) => {
    const key = Math.floor(ms / QUARTER_HOUR);
    let minutes = offsets.get(key);
    if (minutes === undefined) offsets.set(key, (minutes = zone.offset(key * QUARTER_HOUR)));
    return minutes;
  };
  return {
    tz,
    start: first.toUTC().toISO()!,
    end: last.plus({ days: 1 }).toUTC().toISO()!,
    days,
    local(iso) {
      const ms = Date.parse(iso);
      const shifted = new Date(ms + offsetAt(ms) * 60_000);
      return { day: shifted.toISOString().slice(0, 10), weekday: shifted.getUTCDay(), hour: shifted.getUTCHours() };
    },
  };
}

/** percentile_cont: the value at fraction `p` of the sorted values, interpolated; null when empty. */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Seconds to the millisecond, as reports give them. */
export const roundSeconds = (s: number | null) => (s === null ? null : Math.round(s * 1000) / 1000);
/** An average of ratings, to two decimals. */
export const roundAverage = (sum: number, count: number) =>
  count === 0 ? null : Math.round((sum / count) * 100) / 100;
