import { describe, expect, it } from "vitest";
import { isOpen, nextChange } from "./business-hours.ts";
import { BusinessHours } from "../../shared/schemas/availability.ts";

const weekdays = (ranges: [string, string][]) => ({ mon: ranges, tue: ranges, wed: ranges, thu: ranges, fri: ranges });
const stockholm = BusinessHours.parse({ timezone: "Europe/Stockholm", hours: weekdays([["09:00", "17:00"]]) });
const at = (iso: string) => new Date(iso);

describe("business hours", () => {
  it("null business hours are always open and never change", () => {
    expect(isOpen(null, at("2026-12-25T03:00:00Z"))).toBe(true);
    expect(nextChange(null, at("2026-12-25T03:00:00Z"))).toBeNull();
  });

  it("reads the clock in the site's zone, winter and summer", () => {
    // Friday 27 March 2026, Stockholm on CET (UTC+1).
    expect(isOpen(stockholm, at("2026-03-27T07:59:00Z"))).toBe(false); // 08:59
    expect(isOpen(stockholm, at("2026-03-27T08:00:00Z"))).toBe(true); // 09:00
    expect(isOpen(stockholm, at("2026-03-27T15:59:00Z"))).toBe(true); // 16:59
    expect(isOpen(stockholm, at("2026-03-27T16:00:00Z"))).toBe(false); // 17:00 closes
    // Monday 30 March 2026, after the change to CEST (UTC+2): 09:00 is 07:00 UTC.
    expect(isOpen(stockholm, at("2026-03-30T07:00:00Z"))).toBe(true);
    expect(isOpen(stockholm, at("2026-03-30T06:59:00Z"))).toBe(false);
  });

  it("days without ranges are closed", () => {
    expect(isOpen(stockholm, at("2026-03-28T10:00:00Z"))).toBe(false); // Saturday noon
  });

  it("the next change skips the weekend and follows the clocks across daylight saving", () => {
    expect(nextChange(stockholm, at("2026-03-27T16:30:00Z"))?.toISOString()).toBe("2026-03-30T07:00:00.000Z");
    expect(nextChange(stockholm, at("2026-03-30T07:00:00Z"))?.toISOString()).toBe("2026-03-30T15:00:00.000Z");
    // Autumn: Stockholm returns to CET on Sunday 25 October 2026; Monday 09:00 is 08:00 UTC.
    expect(nextChange(stockholm, at("2026-10-23T18:00:00Z"))?.toISOString()).toBe("2026-10-26T08:00:00.000Z");
  });

  it("a range that starts in the hour the clocks skip opens when they land", () => {
    const night = BusinessHours.parse({ timezone: "Europe/Stockholm", hours: { sun: [["02:30", "04:00"]] } });
    // 29 March 2026: 02:00 CET jumps to 03:00 CEST at 01:00 UTC.
    expect(nextChange(night, at("2026-03-29T00:30:00Z"))?.toISOString()).toBe("2026-03-29T01:00:00.000Z");
    expect(isOpen(night, at("2026-03-29T01:00:00Z"))).toBe(true);
    expect(nextChange(night, at("2026-03-29T01:00:00Z"))?.toISOString()).toBe("2026-03-29T02:00:00.000Z");
  });

  it("a day ending at 24:00 runs on into the next day's 00:00 without a change", () => {
    const late = BusinessHours.parse({
      timezone: "America/New_York",
      hours: { fri: [["20:00", "24:00"]], sat: [["00:00", "02:00"]] },
    });
    // Friday 4 December 2026 20:00 EST is 01:00 UTC Saturday.
    expect(isOpen(late, at("2026-12-05T05:30:00Z"))).toBe(true); // 00:30 Saturday
    expect(nextChange(late, at("2026-12-05T01:00:00Z"))?.toISOString()).toBe("2026-12-05T07:00:00.000Z");
  });

  it("rejects what cannot be business hours, with a message for each", () => {
    const bad = (value: unknown) => BusinessHours.safeParse(value).error?.issues.map((i) => i.message) ?? [];
    expect(bad({ timezone: "Mars/Olympus", hours: {} })).toEqual([
      "must be an IANA time zone such as Europe/Stockholm",
    ]);
    expect(bad({ timezone: "UTC", hours: { mon: [["17:00", "09:00"]] } })).toEqual([
      "17:00–09:00 ends before it starts",
    ]);
    expect(
      bad({
        timezone: "UTC",
        hours: {
          mon: [
            ["09:00", "12:00"],
            ["11:00", "13:00"],
          ],
        },
      }),
    ).toEqual(["09:00–12:00 overlaps 11:00–13:00"]);
    expect(bad({ timezone: "UTC", hours: { mon: [["9:00", "25:00"]] } })).toHaveLength(2);
    expect(bad({ timezone: "UTC", hours: { funday: [] } })).toHaveLength(1);
  });
});
