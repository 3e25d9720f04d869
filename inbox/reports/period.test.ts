import { describe, expect, it } from "vitest";
import { addDays, duration, localDay, periodFor, summaryQuery } from "./period.ts";

describe("reports period picker", () => {
  it("takes today in the agent's time zone, not UTC's", () => {
    const at = new Date("2026-11-23T19:00:00Z");
    expect(localDay(at, "UTC")).toBe("2026-11-23");
    expect(localDay(at, "Asia/Kolkata")).toBe("2026-11-24");
    expect(localDay(at, "America/Los_Angeles")).toBe("2026-11-23");
  });

  it("ends each preset today and counts today in it", () => {
    const custom = { from: "2026-01-01", to: "2026-01-31" };
    expect(periodFor("today", "2026-03-01", custom)).toEqual({ from: "2026-03-01", to: "2026-03-01" });
    expect(periodFor("7d", "2026-03-01", custom)).toEqual({ from: "2026-02-23", to: "2026-03-01" });
    expect(periodFor("30d", "2026-03-01", custom)).toEqual({ from: "2026-01-31", to: "2026-03-01" });
    expect(periodFor("custom", "2026-03-01", custom)).toEqual(custom);
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
  });

  it("sends only the filters that are set", () => {
    const f = {
      choice: "7d" as const,
      from: "2026-02-23",
      to: "2026-03-01",
      siteId: "",
      queue: " sales ",
      tag: "",
      assignee: "none",
    };
    expect(summaryQuery(f, "Asia/Kolkata")).toEqual({
      from: "2026-02-23",
      to: "2026-03-01",
      tz: "Asia/Kolkata",
      queue: "sales",
      assignee: "none",
    });
  });

  it("reads durations the way people say them", () => {
    expect([duration(null), duration(42.4), duration(600), duration(12_600), duration(259_200)]).toEqual([
      "—",
      "42 s",
      "10 min",
      "3.5 h",
      "3.0 d",
    ]);
  });
});
