import fs from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { services } from "../helpers/services.ts";
import { startTestServer } from "../helpers/server.ts";
import { logLines, watchErrors } from "./widget-harness.ts";
import { poll, useStage } from "./scene.ts";

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Embedding: the stub queue and events, settings layers, SPA navigation, theming, mobile, accessibility, a relay under a path prefix. */
describe.skipIf(!services.chromium)("widget embedding in Chromium", () => {
  const s = useStage();

  async function open(url: string, viewport = { width: 1200, height: 800 }): Promise<{ page: Page; errors: string[] }> {
    const context = await s.browser.newContext({ viewport });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(url);
    return { page, errors };
  }

  it("replays calls queued before load in order, fires events and lets page settings override the site's", async () => {
    const url = s.host.page("queue", {
      base: s.server.url,
      siteKey: s.server.siteKey,
      inline: `
        window.parleySettings = { title: "Page title", greeting: "Page greeting", launcher: { label: "Chat with us" }, theme: { primaryColor: "#16a34a" } };
        window.Parley = window.Parley || function () { (Parley.q = Parley.q || []).push(arguments) };
        window.seen = [];
        Parley("on", "ready", function () { seen.push("ready") });
        Parley("on", "open", function () { seen.push("open") });
        Parley("on", "close", function () { seen.push("close") });
        Parley("on", "message", function (m) { seen.push("message:" + m.content.text) });
        Parley("on", "unread", function (n) { seen.push("unread:" + n) });
        Parley("update", { title: "Updated title" });
        Parley("open");`,
    });
    const { page, errors } = await open(url);
    const dialog = page.getByRole("dialog", { name: "Updated title" });
    await dialog.waitFor();
    await poll(() => page.evaluate(() => (window as any).seen.join())).toBe("open,ready");
    expect(await dialog.getByText("Page greeting").count()).toBe(1);
    // launcher.label names the launcher; its colour comes from the page, its text is readable.
    const launcher = page.getByRole("button", { name: "Chat with us" });
    expect(await launcher.getAttribute("aria-expanded")).toBe("true");
    expect(await launcher.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(22, 163, 74)");
    expect(await launcher.evaluate((el) => getComputedStyle(el).color)).toBe("rgb(0, 0, 0)");

    const box = page.getByRole("textbox", { name: "Message" });
    await box.fill("Hello");
    await box.press("Enter");
    await poll(() => page.locator('parley-widget [data-sender="contact"]').getAttribute("data-state")).toBe("sent");
    const conversationId = (await s.server.api("GET", "/v1/conversations")).body.items[0].id;
    await page.evaluate(() => (window as any).Parley("close"));
    await s.server.api("POST", `/v1/conversations/${conversationId}/messages`, { text: "Agent here" });
    await poll(() => page.evaluate(() => (window as any).seen.slice(2).sort().join())).toBe(
      "close,message:Agent here,unread:1",
    );
    await page.evaluate(() => (window as any).Parley("toggle"));
    await poll(() => page.evaluate(() => (window as any).seen.at(-1))).toBe("unread:0");
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("paints the launcher from widget.js alone: themed, named and clickable while the rest is held back", async () => {
    const url = s.host.page("widget-js-alone", {
      base: s.server.url,
      siteKey: s.server.siteKey,
      inline: `window.parleySettings = { locale: "sv", theme: { primaryColor: "#16a34a" } };`,
    });
    const context = await s.browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    const errors = watchErrors(page);
    // Every chunk but widget.js waits until released: what shows until then, widget.js painted.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const held: string[] = [];
    await page.route(/\/assets\/[\w-]+\.js$/, async (route) => {
      held.push(new URL(route.request().url()).pathname);
      await released;
      await route.continue();
    });
    await page.goto(url);
    const launcher = page.getByRole("button", { name: "Öppna chatten" });
    await poll(() => launcher.evaluate((el) => getComputedStyle(el).opacity)).toBe("1");
    expect(await launcher.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(22, 163, 74)");
    expect(await launcher.getAttribute("aria-expanded")).toBe("false");
    expect(held).toEqual([expect.stringMatching(/^\/assets\/boot-[\w-]+\.js$/)]);
    // A click now is queued, and opens the chat once the rest has arrived.
    await launcher.click();
    expect(await page.getByRole("dialog").count()).toBe(0);
    release();
    await page.getByRole("dialog").waitFor();
    expect(await launcher.getAttribute("aria-expanded")).toBe("true");
    expect(errors).toEqual([]);
    await context.close();
  });

  it("survives pushState and a framework swapping <body>, keeping the open conversation, mounting once", async () => {
    const url = s.host.page("spa", { base: s.server.url, siteKey: s.server.siteKey });
    const { page, errors } = await open(url);
    await page.getByRole("button", { name: "Open chat" }).click();
    const box = page.getByRole("textbox", { name: "Message" });
    await box.fill("Before navigation");
    await box.press("Enter");
    await poll(() => logLines(page)).toEqual(["contact: Before navigation"]);

    await page.evaluate(() => {
      history.pushState({}, "", "/p/spa/next");
      const body = document.createElement("body");
      body.innerHTML = "<main><h1>Next page</h1></main>";
      document.documentElement.replaceChild(body, document.body);
    });
    await poll(() => page.evaluate(() => document.querySelectorAll("parley-widget").length)).toBe(1);
    expect(await page.getByRole("dialog").isVisible()).toBe(true);
    // A page script that removes the element: the same one comes back.
    await page.evaluate(() => document.querySelector("parley-widget")!.remove());
    await poll(() => page.evaluate(() => document.querySelectorAll("parley-widget").length)).toBe(1);
    expect(await logLines(page)).toEqual(["contact: Before navigation"]);

    // A page that clears its body, and the script tag inserted a second time.
    await page.evaluate((src) => {
      document.body.innerHTML = "<p>Cleared</p>";
      const s = document.createElement("script");
      s.src = src;
      s.dataset.site = "pk_whatever";
      document.body.append(s);
      return new Promise((resolve) => (s.onload = resolve));
    }, `${s.server.url}/widget.js`);
    await poll(() => page.evaluate(() => document.querySelectorAll("parley-widget").length)).toBe(1);
    expect(await logLines(page)).toEqual(["contact: Before navigation"]);
    await box.fill("After navigation");
    await box.press("Enter");
    await poll(() => logLines(page)).toEqual(["contact: Before navigation", "contact: After navigation"]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("is re-themed by the page's CSS custom properties and ::part, and keeps its own CSS inside", async () => {
    const url = s.host.page("css", {
      base: s.server.url,
      siteKey: s.server.siteKey,
      css: `parley-widget { --parley-primary: #e11d48; } parley-widget::part(panel) { border-radius: 0; } .launcher, .panel, p { color: rgb(1, 2, 3); }`,
    });
    const { page } = await open(url);
    const launcher = page.getByRole("button", { name: "Open chat" });
    await launcher.click();
    await page.getByRole("dialog").waitFor();
    expect(await launcher.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(225, 29, 72)");
    expect(await launcher.evaluate((el) => getComputedStyle(el).color)).toBe("rgb(255, 255, 255)");
    expect(await page.getByRole("dialog").evaluate((el) => getComputedStyle(el).borderTopLeftRadius)).toBe("0px");
    // The page's .launcher/.panel rules do not reach inside; the widget's rules do not reach out.
    expect(await page.locator("main p").evaluate((el) => getComputedStyle(el).color)).toBe("rgb(1, 2, 3)");
    expect(await page.locator("main h1").evaluate((el) => getComputedStyle(el).position)).toBe("static");
    await page.context().close();
  });

  it("has a dark colour scheme", async () => {
    const url = s.host.page("dark", {
      base: s.server.url,
      siteKey: s.server.siteKey,
      inline: `window.parleySettings = { theme: { colorScheme: "dark" } };`,
    });
    const { page } = await open(url);
    await page.getByRole("button", { name: "Open chat" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    expect(await dialog.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(17, 24, 39)");
    await page.evaluate(() => (window as any).Parley("update", { theme: { colorScheme: "light" } }));
    expect(await dialog.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(255, 255, 255)");
    await page.context().close();
  });

  it("fills a 375 px wide screen", async () => {
    const url = s.host.page("mobile", { base: s.server.url, siteKey: s.server.siteKey });
    const { page } = await open(url, { width: 375, height: 667 });
    await page.getByRole("button", { name: "Open chat" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    // The panel slides in for 180 ms; its resting place is what the visitor gets.
    await expect
      .poll(async () => roundBox(await dialog.boundingBox()))
      .toEqual({ x: 0, y: 0, width: 375, height: 667 });
    await page.getByRole("button", { name: "Close chat" }).click();
    expect(await page.getByRole("dialog").count()).toBe(0);
    expect(await page.getByRole("button", { name: "Open chat" }).isVisible()).toBe(true);
    await page.context().close();
  });

  it("speaks Swedish when asked", async () => {
    const url = s.host.page("sv", {
      base: s.server.url,
      siteKey: s.server.siteKey,
      inline: `window.parleySettings = { locale: "sv", strings: { send: "Iväg" } };`,
    });
    const { page } = await open(url);
    await page.getByRole("button", { name: "Öppna chatten" }).click();
    await page.getByRole("textbox", { name: "Meddelande" }).waitFor();
    expect(await page.getByRole("button", { name: "Iväg" }).count()).toBe(1);
    await page.context().close();
  });

  it("works from a relay under a path prefix (/chat/)", async () => {
    const url = s.host.page("prefix", { base: `${s.host.url}/chat`, siteKey: s.server.siteKey });
    const { page, errors } = await open(url);
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    page.on("websocket", (ws) => requests.push(ws.url()));
    await page.getByRole("button", { name: "Open chat" }).click();
    const box = page.getByRole("textbox", { name: "Message" });
    await box.fill("Through the prefix");
    await box.press("Enter");
    await poll(() => page.locator('parley-widget [data-sender="contact"]').getAttribute("data-state")).toBe("sent");
    expect(requests.some((u) => u.startsWith(`${s.host.url}/chat/assets/app-`))).toBe(true);
    // The relay's socket, a websocket, through the prefix too.
    const ws = s.host.url.replace(/^http/, "ws");
    expect(requests.some((u) => u.startsWith(`${ws}/chat/socket.io/`))).toBe(true);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("forgets the visitor on shutdown", async () => {
    const url = s.host.page("shutdown", { base: s.server.url, siteKey: s.server.siteKey });
    const { page } = await open(url);
    await page.getByRole("button", { name: "Open chat" }).click();
    const box = page.getByRole("textbox", { name: "Message" });
    await box.fill("Remember me?");
    await box.press("Enter");
    await poll(() => page.locator('parley-widget [data-sender="contact"]').getAttribute("data-state")).toBe("sent");
    await page.evaluate(() => (window as any).Parley("shutdown"));
    expect(await page.getByRole("dialog").count()).toBe(0);
    await page.getByRole("button", { name: "Open chat" }).click();
    await page.getByRole("textbox", { name: "Message" }).waitFor();
    expect(await logLines(page)).toEqual([]);
    await page.context().close();
  });

  it("shows no launcher on a page whose origin the site does not allow", async () => {
    const strictServer = await startTestServer({ env: { PARLEY_ALLOWED_ORIGINS: "https://shop.example.com" } });
    try {
      const url = s.host.page("refused", { base: strictServer.url, siteKey: strictServer.siteKey });
      const context = await s.browser.newContext();
      const page = await context.newPage();
      const warning = page.waitForEvent("console", (m) => m.type() === "warning" && m.text().includes("[parley]"));
      await page.goto(url);
      expect((await warning).text()).toContain("403");
      expect(await page.getByRole("button", { name: "Open chat" }).count()).toBe(0);
      await page.context().close();
    } finally {
      await strictServer.close();
    }
  });

  it("has no accessibility violations (axe) with the chat open", async () => {
    const url = s.host.page("axe", {
      base: s.server.url,
      siteKey: s.server.siteKey,
      inline: `window.parleySettings = { greeting: "Hi! How can we help?" };`,
    });
    const { page } = await open(url);
    await page.getByRole("button", { name: "Open chat" }).click();
    const box = page.getByRole("textbox", { name: "Message" });
    await box.fill("Hello https://example.com");
    await box.press("Enter");
    await poll(() => page.locator('parley-widget [data-sender="contact"]').getAttribute("data-state")).toBe("sent");
    const conversationId = (await s.server.api("GET", "/v1/conversations?limit=1")).body.items[0].id;
    await s.server.api("POST", `/v1/conversations/${conversationId}/messages`, {
      type: "quick_replies",
      content: { text: "Which team?", options: [{ title: "Sales", payload: "s" }] },
    });
    await s.server.api("POST", `/v1/conversations/${conversationId}/messages`, {
      type: "cards",
      content: { cards: [{ title: "Plan", text: "Good", buttons: [{ title: "More", url: "https://example.com" }] }] },
    });
    await s.server.api("POST", `/v1/conversations/${conversationId}/messages`, {
      type: "file",
      content: { url: "https://example.com/a.pdf", name: "a.pdf", size: 1000, mimeType: "application/pdf" },
    });
    await poll(async () => (await logLines(page)).length).toBe(4);
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(async () => {
      const r = await (window as any).axe.run(document.querySelector("parley-widget"), { resultTypes: ["violations"] });
      return r.violations.map((v: any) => `${v.id}: ${v.nodes.map((n: any) => n.target.join(" ")).join(", ")}`);
    });
    expect(result).toEqual([]);
    await page.context().close();
  });
});

function roundBox(box: { x: number; y: number; width: number; height: number } | null) {
  return (
    box && { x: Math.round(box.x), y: Math.round(box.y), width: Math.round(box.width), height: Math.round(box.height) }
  );
}
