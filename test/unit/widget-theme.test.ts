import { describe, expect, it } from "vitest";
import { contrastRatio, parseHex, readableOn } from "../../widget/theme/contrast.ts";

describe("text on the primary colour", () => {
  it("is white on dark colours and black on light ones", () => {
    expect(readableOn("#4f46e5")).toBe("#ffffff");
    expect(readableOn("#000")).toBe("#ffffff");
    expect(readableOn("#ffffff")).toBe("#000000");
    expect(readableOn("#facc15")).toBe("#000000"); // yellow
    expect(readableOn("#16a34a")).toBe("#000000"); // mid green: black contrasts more
  });

  it("always picks the higher of the two contrasts, for any colour", () => {
    for (let i = 0; i < 500; i++) {
      const hex = `#${Math.floor(Math.random() * 0xffffff)
        .toString(16)
        .padStart(6, "0")}`;
      const picked = readableOn(hex);
      const other = picked === "#ffffff" ? "#000000" : "#ffffff";
      expect(contrastRatio(hex, picked)!).toBeGreaterThanOrEqual(contrastRatio(hex, other)!);
      // The better of black/white always reaches WCAG AA for large text and icons (3:1) and
      // in fact at least 4.58:1.
      expect(contrastRatio(hex, picked)!).toBeGreaterThan(4.5);
    }
  });

  it("honours an explicit text colour", () => {
    expect(readableOn("#4f46e5", "#fde68a")).toBe("#fde68a");
    expect(readableOn("#4f46e5", "not a colour")).toBe("#ffffff");
  });

  it("parses short, long and alpha hex and rejects the rest", () => {
    expect(parseHex("#abc")).toEqual([0xaa, 0xbb, 0xcc]);
    expect(parseHex("#4f46e5ff")).toEqual([0x4f, 0x46, 0xe5]);
    expect(parseHex("red")).toBeNull();
    expect(parseHex("#12345")).toBeNull();
    expect(readableOn("url(x)")).toBe("#ffffff");
  });

  it("computes WCAG contrast ratios", () => {
    expect(contrastRatio("#000", "#fff")).toBeCloseTo(21, 5);
    expect(contrastRatio("#777", "#777")).toBeCloseTo(1, 5);
  });
});
