// @vitest-environment jsdom
import { render } from "preact";
import { describe, expect, it } from "vitest";
import type { VisitorContext } from "../../shared/schemas/index.ts";
import { localTime, VisitorPanel } from "./VisitorPanel.tsx";

const context: VisitorContext = {
  currentUrl: "https://shop.example/cart",
  pageTitle: "Cart",
  referrer: "https://search.example/",
  locale: "sv-SE",
  timezone: "Asia/Tokyo",
  browser: "Firefox 140",
  os: "macOS 10.15",
  device: "desktop",
  pages: [
    { url: "https://shop.example/", title: "Home", at: "2026-01-01T10:00:00.000Z" },
    { url: "https://shop.example/cart", title: "Cart", at: "2026-01-01T10:02:00.000Z" },
  ],
};

describe("the inbox's visitor panel", () => {
  it("tells the visitor's local time from their time zone, and nothing from one it does not know", () => {
    const noonUtc = new Date("2026-06-01T12:00:00Z");
    expect(localTime("Asia/Tokyo", noonUtc)).toMatch(/21[:.]00|09[:.]00\s?PM/);
    expect(localTime("Mars/Olympus", noonUtc)).toBeNull();
    expect(localTime(null, noonUtc)).toBeNull();
  });

  it("links the current page and the trail, newest first, opened apart without a referrer", () => {
    const root = document.createElement("div");
    render(<VisitorPanel visitor={context} />, root);
    const links = [...root.querySelectorAll("a")];
    expect(links.map((a) => a.textContent)).toEqual(["Cart", "https://search.example/", "Cart", "Home"]);
    for (const a of links) {
      expect(a.getAttribute("rel")).toBe("noopener noreferrer");
      expect(a.getAttribute("target")).toBe("_blank");
    }
    expect(root.textContent).toContain("Firefox 140 on macOS 10.15 · desktop");
    expect(root.textContent).toContain("sv-SE");
    render(null, root);
  });
});
