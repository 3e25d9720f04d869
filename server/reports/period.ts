import { DateTime, IANAZone } from "luxon";

/**
 * A report's period in its time zone: the UTC instants it starts and ends at, its days, and the
 * local day, weekday and hour of any instant in it (docs/reports.md).
 */
export interface Period {
  tz: string;
  /** Epoch milliseconds: the first local midnight, and the midnight after the last day (exclusive). */
  start: number;
  end: number;
  days: string[];
  /** The zone's offset in minutes over the period: from each instant (ms) on, until the next. */
  segments: { from: number; offset: number }[];
  /** Local day (YYYY-MM-DD), weekday (0 Sunday … 6 Saturday) and hour of an instant (epoch ms). */
  local(ms: number): { day: string; weekday: number; hour: number };
}

const QUARTER_HOUR = 900_000;

/** `day` (YYYY-MM-DD) moved by `n` calendar days. */
const addDays = (day: string, n: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

export function periodOf(from: string, to: string, tz: string): Period {
  const days: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
  const zone = IANAZone.create(tz);
  const startMs = DateTime.fromISO(from, { zone: tz }).startOf("day").toMillis();
  const endMs = DateTime.fromISO(addDays(to, 1), { zone: tz }).startOf("day").toMillis();
  const segments = offsetSegments(zone, startMs, endMs);
  const offsetAt = (ms: number) => {
    if (ms < startMs || ms >= endMs) return zone.offset(ms);
    let lo = 0;
    let hi = segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segments[mid]!.from <= ms) lo = mid;
      else hi = mid - 1;
    }
    return segments[lo]!.offset;
  };
  return {
    tz,
    start: startMs,
    end: endMs,
    days,
    segments,
    local(ms) {
      const shifted = new Date(ms + offsetAt(ms) * 60_000);
      return { day: shifted.toISOString().slice(0, 10), weekday: shifted.getUTCDay(), hour: shifted.getUTCHours() };
    },
  };
}

/**
 * The zone's offset (minutes) over [start, end) as segments: sampled daily, and where two
 * samples differ the change found to the quarter hour (every zone's rules change on quarter hours
 * of UTC). A year costs about 400 look-ups, then each instant is a binary search.
 */
function offsetSegments(zone: IANAZone, start: number, end: number): { from: number; offset: number }[] {
  const step = 86_400_000;
  const segments = [{ from: start, offset: zone.offset(start) }];
  for (let t = start + step; t < end + step; t += step) {
    const at = Math.min(t, end - 1);
    const offset = zone.offset(at);
    const last = segments[segments.length - 1]!;
    if (offset === last.offset) continue;
    // The first quarter hour in (at - step, at] with the new offset.
    let lo = Math.floor((at - step) / QUARTER_HOUR) + 1;
    let hi = Math.floor(at / QUARTER_HOUR);
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (zone.offset(mid * QUARTER_HOUR) === offset) hi = mid;
      else lo = mid + 1;
    }
    segments.push({ from: Math.max(start, lo * QUARTER_HOUR), offset });
  }
  return segments;
}

/** percentile_cont: the value at fraction `p` of the sorted values, interpolated; null when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number | null {
  if (sorted.length === 0) return null;
  const pos = p * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * Milliseconds (durations are measured and interpolated in whole milliseconds) to seconds, to the
 * millisecond, as reports give them: a half millisecond rounds up, on every database alike.
 */
export const roundSeconds = (ms: number | null) => (ms === null ? null : Math.round(ms) / 1000);
/** An average of ratings, to two decimals. */
export const roundAverage = (sum: number, count: number) =>
  count === 0 ? null : Math.round((sum / count) * 100) / 100;
