/**
 * Business hours in the site's own time zone: whether the team is open at an instant, and when
 * that next changes (so the widget can flip to away on time). Luxon does the zone arithmetic,
 * daylight-saving changes included; nothing here adds hours by hand.
 */
import { DateTime } from "luxon";
import { WEEKDAYS, minutesOf, type BusinessHours } from "../../shared/schemas/availability.ts";

const DAY = 1440;

function minutesIn(local: DateTime): number {
  return local.hour * 60 + local.minute;
}

/** Whether the site is open at `at`; null business hours mean always open. */
export function isOpen(hours: BusinessHours | null, at: Date): boolean {
  if (!hours) return true;
  const local = DateTime.fromJSDate(at, { zone: hours.timezone });
  const ranges = hours.hours[WEEKDAYS[local.weekday - 1]!] ?? [];
  const now = minutesIn(local);
  return ranges.some(([from, to]) => minutesOf(from) <= now && now < minutesOf(to));
}

/**
 * The first instant at or after local time `minutes` on `day` (a local midnight). A time that
 * a daylight-saving jump skips begins when the clocks land after it.
 */
function instantAt(day: DateTime, minutes: number): DateTime {
  if (minutes >= DAY) return day.plus({ days: 1 }).startOf("day");
  const wanted = day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60 });
  if (wanted.day === day.day && minutesIn(wanted) === minutes) return wanted;
  // Skipped by a jump forward: search the hour before for the first instant past it.
  let lo = wanted.minus({ hours: 3 }).toMillis();
  let hi = wanted.toMillis();
  const target = day.toMillis();
  const after = (ms: number) => {
    const t = DateTime.fromMillis(ms, { zone: day.zone });
    return t.startOf("day").toMillis() > target || (t.hasSame(day, "day") && minutesIn(t) >= minutes);
  };
  while (hi - lo > 60_000) {
    const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
    if (after(mid)) hi = mid;
    else lo = mid;
  }
  return DateTime.fromMillis(hi, { zone: day.zone });
}

/** When `isOpen` next changes after `at`, looking a week ahead; null if it never does. */
export function nextChange(hours: BusinessHours | null, at: Date): Date | null {
  if (!hours) return null;
  const open = isOpen(hours, at);
  const start = DateTime.fromJSDate(at, { zone: hours.timezone }).startOf("day");
  const candidates: number[] = [];
  for (let d = 0; d <= 8; d++) {
    const day = start.plus({ days: d }).startOf("day");
    for (const [from, to] of hours.hours[WEEKDAYS[day.weekday - 1]!] ?? [])
      candidates.push(instantAt(day, minutesOf(from)).toMillis(), instantAt(day, minutesOf(to)).toMillis());
  }
  const later = candidates.filter((ms) => ms > at.getTime()).sort((a, b) => a - b);
  for (const ms of later) if (isOpen(hours, new Date(ms)) !== open) return new Date(ms);
  return null;
}
