import { describe, expect, it } from "vitest";
import { DateTime } from "luxon";
import { percentile, periodOf } from "./period.ts";

describe("a report's period", () => {
  it("starts and ends at local midnights, with every day between", () => {
    const p = periodOf("2026-10-03", "2026-10-05", "Australia/Adelaide"); // DST starts 4 October, +09:30 → +10:30
    expect(new Date(p.start).toISOString()).toBe("2026-10-02T14:30:00.000Z");
    expect(new Date(p.end).toISOString()).toBe("2026-10-05T13:30:00.000Z");
    expect(p.days).toEqual(["2026-10-03", "2026-10-04", "2026-10-05"]);
  });

  it("gives each instant the local day, weekday and hour Luxon gives, across offset changes", () => {
    for (const tz of ["Australia/Adelaide", "America/St_Johns", "Europe/Stockholm", "Asia/Kolkata", "UTC"]) {
      const p = periodOf("2026-01-01", "2026-12-31", tz);
      const from = p.start;
      const span = p.end - from;
      for (let i = 0; i < 3000; i++) {
        const ms = from + Math.floor((span * i) / 3000) + (i % 7) * 60_000;
        const l = DateTime.fromMillis(ms, { zone: tz });
        expect(p.local(ms), `${tz} ${ms}`).toEqual({
          day: l.toISODate(),
          weekday: l.weekday % 7,
          hour: l.hour,
        });
      }
    }
  });

  it("interpolates percentiles as percentile_cont does", () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([7], 0.9)).toBe(7);
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentile([10, 20, 30, 40, 50], 0.9)).toBe(46);
  });
});
