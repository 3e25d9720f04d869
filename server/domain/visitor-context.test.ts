import { describe, expect, it } from "vitest";
import { afterPageView, describeUserAgent, shownUrl } from "./visitor-context.ts";
import { PAGE_TRAIL_LENGTH, PageView } from "../../shared/schemas/visitor.ts";

const strict = { queryStrings: false };
const iphone =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1";
const firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0";
const view = (url: string, extra: Partial<PageView> = {}) =>
  PageView.parse({ url, title: `Title of ${url}`, ...extra });

describe("visitor context", () => {
  it("drops query strings, fragments and credentials unless the site allows queries", () => {
    const raw = "https://user:pw@shop.example/reset?token=s3cret#access_token=abc";
    expect(shownUrl(raw, strict)).toBe("https://shop.example/reset");
    expect(shownUrl(raw, { queryStrings: true })).toBe("https://shop.example/reset?token=s3cret#access_token=abc");
    expect(shownUrl("javascript:alert(1)", strict)).toBeNull();
    expect(shownUrl("not a url", strict)).toBeNull();
  });

  it("names browser, OS and device from the user agent", () => {
    expect(describeUserAgent(iphone)).toEqual({ browser: "Safari 17", os: "iOS 17.2", device: "mobile" });
    expect(describeUserAgent(firefox)).toEqual({ browser: "Firefox 140", os: "Windows 10", device: "desktop" });
    expect(describeUserAgent(undefined)).toEqual({ browser: null, os: null, device: null });
    expect(describeUserAgent("curl/8.0")).toMatchObject({ device: null });
  });

  it("follows the visitor's pages: the current page, a trail without reloads, the first referrer", () => {
    const at = new Date("2026-12-01T10:00:00Z");
    let ctx = afterPageView(
      null,
      view("https://shop.example/?utm=x", {
        referrer: "https://search.example/?q=shoes",
        locale: "sv-SE",
        timezone: "Europe/Stockholm",
      }),
      firefox,
      at,
      strict,
    );
    ctx = afterPageView(
      ctx,
      view("https://shop.example/cart", { referrer: "https://shop.example/" }),
      undefined,
      at,
      strict,
    );
    ctx = afterPageView(ctx, view("https://shop.example/cart"), undefined, at, strict);
    expect(ctx).toMatchObject({
      currentUrl: "https://shop.example/cart",
      pageTitle: "Title of https://shop.example/cart",
      referrer: "https://search.example/",
      locale: "sv-SE",
      timezone: "Europe/Stockholm",
      browser: "Firefox 140",
    });
    expect(ctx.pages.map((p) => p.url)).toEqual(["https://shop.example/", "https://shop.example/cart"]);
  });

  it(`keeps only the last ${PAGE_TRAIL_LENGTH} pages`, () => {
    let ctx = null;
    for (let i = 0; i < 50; i++)
      ctx = afterPageView(ctx, view(`https://a.example/p${i}`), undefined, new Date(), strict);
    expect(ctx!.pages).toHaveLength(PAGE_TRAIL_LENGTH);
    expect(ctx!.pages.at(-1)!.url).toBe("https://a.example/p49");
    expect(ctx!.pages[0]!.url).toBe("https://a.example/p30");
  });

  it("refuses page views that are not pages", () => {
    expect(PageView.safeParse({ url: "nope" }).success).toBe(false);
    expect(PageView.safeParse({ url: "https://a.example/", extra: 1 }).success).toBe(false);
    expect(PageView.safeParse({ url: `https://a.example/${"x".repeat(3000)}` }).success).toBe(false);
  });
});
