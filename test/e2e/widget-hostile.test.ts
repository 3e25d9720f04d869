import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { services } from "../helpers/services.ts";
import { watchErrors } from "./widget-harness.ts";
import { FROZEN_INTRINSICS, AMD_GLOBALS, POLLUTED_PROTOTYPES } from "./hostile-pages.ts";
import { poll, screenshots, useStage } from "./scene.ts";

const shots = screenshots("hostile");

interface Case {
  /** The page's own scripts and styles, run before the snippet (served from the page's origin). */
  before?: string;
  css?: string;
  /** The <html> start tag and whether the page has a doctype. */
  htmlTag?: string;
  doctype?: boolean;
  head?: string;
  /** CSP directives added to, or replacing, the strict ones. */
  csp?: Record<string, string>;
  viewport?: { width: number; height: number };
  deviceScaleFactor?: number;
  locale?: string;
  /** Scrolled to this y before the chat opens. */
  scrollY?: number;
  /** The launcher's corner: the left one for a mirrored (right-to-left) widget. */
  side?: "left" | "right";
  /** The message the visitor sends. */
  text: string;
  /** Violations the page itself provokes on purpose (its CSP refusing something): these one-line patterns only. */
  expectedViolations?: RegExp;
  /** Extra checks once the chat has worked. */
  after?(page: Page, errors: string[]): Promise<void>;
  /** Called with the page before it loads. */
  onPage?(page: Page): void;
}

/**
 * Host pages that break third-party widgets in production. Every page enforces Trusted Types
 * with no policy allowed, on top of the strict CSP (only the relay for scripts, connections and
 * images; styles from the page's own origin; no inline anything). On each the visitor opens the
 * chat from the launcher in the viewport's corner, the panel fits the viewport, the message
 * reaches the relay, and the page sees no CSP or Trusted Types violation and no console error.
 */
describe.skipIf(!services.chromium)("widget on hostile host pages (Chromium)", () => {
  const s = useStage();

  function pageFor(name: string, c: Case): string {
    const relay = new URL(s.server.url).origin;
    const directives: Record<string, string> = {
      "default-src": "'none'",
      "script-src": `'self' ${relay}`,
      "connect-src": `${relay} ${relay.replace(/^http/, "ws")}`,
      "img-src": relay,
      "style-src": "'self'",
      "font-src": "'none'",
      "base-uri": "'none'",
      "form-action": "'none'",
      "require-trusted-types-for": "'script'",
      "trusted-types": "'none'",
      ...c.csp,
    };
    directives["connect-src"] = directives["connect-src"]!.replace("RELAY", relay);
    const csp = Object.entries(directives)
      .map(([k, v]) => `${k} ${v}`)
      .join("; ");
    const files: Record<string, string> = {};
    let head = c.head ?? "";
    if (c.css) {
      files["page.css"] = c.css;
      head += `<link rel="stylesheet" href="/p/${name}/page.css">`;
    }
    let scripts = "";
    if (c.before) {
      files["before.js"] = c.before;
      scripts += `<script src="/p/${name}/before.js"></script>`;
    }
    scripts += `<script src="${s.server.url}/widget.js" data-site="${s.server.siteKey}" async></script>`;
    const html = `${c.doctype === false ? "" : "<!doctype html>"}${c.htmlTag ?? '<html lang="en">'}<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${name}</title>${head}</head><body><main><h1>Host page</h1><p>Some content.</p></main>${scripts}</body></html>`;
    return s.host.raw(name, html, csp, files);
  }

  async function chat(name: string, c: Case): Promise<void> {
    const viewport = c.viewport ?? { width: 1200, height: 800 };
    const context = await s.browser.newContext({
      viewport,
      deviceScaleFactor: c.deviceScaleFactor ?? 1,
      ...(c.locale ? { locale: c.locale } : {}),
    });
    const page = await context.newPage();
    const errors = watchErrors(page);
    // Before any page script: every violation the page reports, Trusted Types' included.
    await page.addInitScript(() => {
      const seen: string[] = [];
      Object.defineProperty(window, "__violations", { value: seen });
      addEventListener("securitypolicyviolation", (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    c.onPage?.(page);
    try {
      await page.goto(pageFor(name, c));
      if (c.scrollY) await page.evaluate((y) => scrollTo(0, y), c.scrollY);
      const launcher = page.locator("parley-widget .launcher");
      await poll(() => launcher.evaluate((el) => getComputedStyle(el).opacity)).toBe("1");
      const lb = (await launcher.boundingBox())!;
      // In the viewport's corner: inside it, within 100 px of the bottom and the side.
      expect(lb.y + lb.height).toBeLessThanOrEqual(viewport.height);
      expect(viewport.height - (lb.y + lb.height)).toBeLessThan(100);
      if ((c.side ?? "right") === "right") {
        expect(lb.x + lb.width).toBeLessThanOrEqual(viewport.width);
        expect(viewport.width - (lb.x + lb.width)).toBeLessThan(100);
      } else {
        expect(lb.x).toBeGreaterThanOrEqual(0);
        expect(lb.x).toBeLessThan(100);
      }
      await launcher.click();

      const panel = page.locator("parley-widget .panel");
      const box = page.locator("parley-widget textarea");
      await box.waitFor().catch((err) => {
        throw new Error(`${err.message}\n${errors.join("\n")}`);
      });
      // Measured where it comes to rest: the panel slides in (12 px) as it opens.
      await panel.evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));
      const pb = (await panel.boundingBox())!;
      expect(pb.x).toBeGreaterThanOrEqual(0);
      expect(pb.y).toBeGreaterThanOrEqual(0);
      expect(pb.x + pb.width).toBeLessThanOrEqual(viewport.width + 0.5);
      expect(pb.y + pb.height).toBeLessThanOrEqual(viewport.height + 0.5);
      const tb = (await box.boundingBox())!;
      expect(tb.y + tb.height).toBeLessThanOrEqual(viewport.height + 0.5);

      await box.fill(c.text);
      await box.press("Enter");
      await poll(() => page.locator('parley-widget [data-sender="contact"]').last().getAttribute("data-state")).toBe(
        "sent",
      );
      // The relay has it, exactly as typed.
      await poll(async () => {
        const list = await s.server.api("GET", "/v1/conversations?limit=100");
        return list.body.items.some((conv: any) => conv.lastMessage?.content?.text === c.text);
      }).toBe(true);
      // Every message text says dir="auto": a Hebrew line in an English page (or the reverse) reads right.
      const texts = page.locator("parley-widget [role=log] .pm-text");
      expect(await texts.count()).toBeGreaterThan(0);
      expect(await texts.evaluateAll((els) => els.map((el) => el.getAttribute("dir")))).toEqual(
        Array((await texts.count()) as number).fill("auto"),
      );
      await c.after?.(page, errors);
      await page.screenshot({ path: path.join(shots, `${name}.png`) });
      const violations: string[] = await page.evaluate(() => (window as any).__violations);
      const expected = c.expectedViolations;
      expect(violations.filter((v) => !expected?.test(v)).join("\n")).toBe("");
      expect(errors.filter((e) => !expected || !/Content Security Policy/.test(e)).join("\n")).toBe("");
    } finally {
      await context.close();
    }
  }

  it("Trusted Types enforced with no policy, under the strict CSP", async () => {
    await chat("trusted-types", {
      text: "Hello from a Trusted Types page",
      after: async (page, errors) => {
        // The page really enforces them: a sink assignment throws here.
        const refused = await page.evaluate(() => {
          try {
            document.body.innerHTML = "<b>x</b>";
            return false;
          } catch {
            return true;
          }
        });
        expect(refused).toBe(true);
        // That refusal was the test's own doing: one violation, for the body, not the widget.
        expect(await page.evaluate(() => (window as any).__violations.splice(0))).toHaveLength(1);
        errors.splice(0);
      },
    });
  });

  it("Trusted Types with the relay's https: origin only in connect-src: the chat runs over long-polling", async () => {
    const relay = () => new URL(s.server.url).origin;
    const requests: string[] = [];
    await chat("trusted-types-polling", {
      csp: { "connect-src": "RELAY" },
      expectedViolations: /^connect-src ws:/,
      text: "Hello over long-polling",
      onPage: (page) => page.on("request", (r) => requests.push(r.url())),
      after: async () => {
        expect(requests.some((u) => u.startsWith(`${relay()}/socket.io/?EIO=4&transport=polling`))).toBe(true);
      },
    });
  });

  it("Prototype.js-style Array.prototype.toJSON and an enumerable Object.prototype property", async () => {
    await chat("polluted", {
      before: POLLUTED_PROTOTYPES,
      text: 'Polluted ["array"] {"object": 1}',
      after: async (page) => {
        // The page's pollution is still in place: the widget worked around it, not removed it.
        expect(await page.evaluate(() => JSON.stringify([1]))).toBe('"[1]"');
      },
    });
  });

  it("built-in prototypes frozen as an SES-hardened page does", async () => {
    await chat("frozen", {
      before: FROZEN_INTRINSICS,
      text: "Hello from a frozen realm",
      after: async (page) => {
        expect(await page.evaluate(() => Object.isFrozen(Object.prototype) && Object.isFrozen(Array.prototype))).toBe(
          true,
        );
      },
    });
  });

  it("an AMD loader and the globals define, require, module, io and h", async () => {
    await chat("amd", {
      before: AMD_GLOBALS,
      text: "Hello beside an AMD loader",
      after: async (page) => {
        // Nothing was registered with the page's loader, and its globals are untouched.
        expect(await page.evaluate(() => (window as any).amdCalls)).toEqual([]);
        expect(await page.evaluate(() => (window as any).io.page && (window as any).h.page)).toBe(true);
      },
    });
  });

  it("a page in quirks mode (no doctype)", async () => {
    await chat("quirks", {
      doctype: false,
      text: "Hello from quirks mode",
      after: async (page) => expect(await page.evaluate(() => document.compatMode)).toBe("BackCompat"),
    });
  });

  it("a <base href> that points to another origin", async () => {
    await chat("base", {
      head: '<base href="http://127.0.0.1:9/elsewhere/">',
      csp: { "base-uri": "http://127.0.0.1:9" },
      text: "Hello under a foreign base",
    });
  });

  it("a transform on <body> with the page scrolled: fixed still means the viewport", async () => {
    await chat("transform", {
      css: "body { transform: translateX(0); min-height: 4000px; margin: 0; }",
      scrollY: 2500,
      text: "Hello from a transformed body",
      after: async (page) => expect(await page.evaluate(() => scrollY)).toBeGreaterThan(2000),
    });
  });

  it('a right-to-left page (<html dir="rtl">) with an English-speaking widget', async () => {
    await chat("rtl-page", {
      htmlTag: '<html lang="he" dir="rtl">',
      text: "שלום from an RTL page",
      after: async (page) => {
        expect(await page.locator("parley-widget .panel").evaluate((el) => getComputedStyle(el).direction)).toBe("ltr");
      },
    });
  });

  it("a right-to-left visitor locale mirrors the widget (Arabic strings, loaded on first use)", async () => {
    await chat("rtl-locale", {
      htmlTag: '<html lang="ar" dir="rtl">',
      before: 'window.parleySettings = { locale: "ar" };',
      locale: "ar",
      side: "left",
      text: "مرحبا، أحتاج مساعدة",
      after: async (page) => {
        const panel = page.locator("parley-widget .panel");
        expect(await panel.evaluate((el) => getComputedStyle(el).direction)).toBe("rtl");
        await page.getByRole("textbox", { name: "رسالة" }).waitFor();
        await page.getByRole("button", { name: "إغلاق المحادثة" }).waitFor();
        // Mirrored: the close button sits at the header's left end, the visitor's own bubble on the left.
        const close = (await page.locator("parley-widget .close").boundingBox())!;
        const title = (await page.locator("parley-widget .head h2").boundingBox())!;
        expect(close.x).toBeLessThan(title.x);
        const bubble = (await page.locator('parley-widget [data-sender="contact"] .bubble').last().boundingBox())!;
        const pb = (await panel.boundingBox())!;
        expect(bubble.x - pb.x).toBeLessThan(pb.x + pb.width - (bubble.x + bubble.width));
      },
    });
  });

  it("a 320 px viewport zoomed 200 % with a 32 px root font size", async () => {
    await chat("small-zoomed", {
      css: "html { font-size: 32px; } body { margin: 2rem; }",
      viewport: { width: 320, height: 568 },
      deviceScaleFactor: 2,
      text: "Hello from a small zoomed screen",
      after: async (page) => {
        // The page's root font size does not scale the widget: the composer stays its own size.
        const size = await page.locator("parley-widget textarea").evaluate((el) => getComputedStyle(el).fontSize);
        expect(size).toBe("16px");
      },
    });
  });
});
