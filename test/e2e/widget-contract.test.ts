/**
 * CONTRACT §2 and §6, statement by statement, in Chromium against a real relay, on a host page
 * of another origin: every embed setting, the key from parleySettings.site, a tag manager
 * inserting the script twice, identity with and without a valid hash, pre-chat, a launcher
 * hidden by the page, keyboard-only use, touch screens, readable text on extreme colours, the
 * host page's own styles left alone, missed messages and the offline outbox after a reconnect.
 */
import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import type { BrowserContextOptions, Page } from "playwright-core";
import { services } from "../helpers/services.ts";
import type { TestServer } from "../helpers/server.ts";
import { logLines, watchErrors } from "./widget-harness.ts";
import { poll, useStage } from "./scene.ts";

const IDENTITY_SECRET = "contract-identity-secret";

async function setIdentitySecret(server: TestServer) {
  const siteId = (await server.api("GET", "/v1/sites")).body.items[0].id;
  expect((await server.api("PATCH", `/v1/sites/${siteId}`, { identitySecret: IDENTITY_SECRET })).status).toBe(200);
}

/** What has focus, looking into the widget's shadow root: "launcher", "textbox:Message", "page:BUTTON#id"… */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const a = document.activeElement;
    const inner = a?.shadowRoot?.activeElement;
    if (inner)
      return inner.classList.contains("launcher")
        ? "launcher"
        : `${inner.tagName.toLowerCase()}:${inner.getAttribute("aria-label") ?? inner.textContent}`;
    return `page:${a?.tagName}${a?.id ? `#${a.id}` : ""}`;
  });
}

/** A computed style inside the widget's shadow root. */
function shadowStyle(page: Page, selector: string, property: string): Promise<string> {
  return page.evaluate(
    ([s, p]) =>
      getComputedStyle(document.querySelector("parley-widget")!.shadowRoot!.querySelector(s!)!).getPropertyValue(p!),
    [selector, property],
  );
}

describe.skipIf(!services.chromium)("the embed contract in Chromium", () => {
  const s = useStage({ ownBuild: true, prepare: setIdentitySecret });

  async function open(url: string, options: BrowserContextOptions = {}): Promise<{ page: Page; errors: string[] }> {
    const context = await s.browser.newContext({ viewport: { width: 1200, height: 800 }, ...options });
    const page = await context.newPage();
    const errors = watchErrors(page);
    await page.goto(url);
    return { page, errors };
  }

  async function send(page: Page, text: string) {
    const box = page.getByRole("textbox", { name: "Message" });
    await box.fill(text);
    await box.press("Enter");
    await page.locator('parley-widget [data-sender="contact"][data-state="sent"]', { hasText: text }).waitFor();
  }

  const latestConversation = async () => (await s.server.api("GET", "/v1/conversations?limit=1")).body.items[0];

  it("applies every page setting: texts, strings, font, radius, left side with offsets, z-index, open at start", async () => {
    const url = s.host.page("settings", {
      base: s.server.url,
      siteKey: s.server.siteKey,
      inline: `window.parleySettings = {
        title: "Support", subtitle: "We reply in minutes", greeting: "Hi there!", placeholder: "Type here…",
        theme: { primaryColor: "#4f46e5", fontFamily: "Georgia, serif", radius: 4, position: "left", offsetX: 40, offsetY: 30, zIndex: 1234, colorScheme: "light" },
        launcher: { label: "Talk to us" }, strings: { send: "Go", message: "Your message", closeChat: "Hide" },
        sound: false, open: true };`,
    });
    const { page, errors } = await open(url);
    const dialog = page.getByRole("dialog", { name: "Support" });
    await dialog.waitFor();
    expect(await dialog.getByText("We reply in minutes").count()).toBe(1);
    expect(await dialog.getByText("Hi there!").count()).toBe(1);
    const box = page.getByRole("textbox", { name: "Your message" });
    expect(await box.getAttribute("placeholder")).toBe("Type here…");
    expect(await focused(page)).toBe("textarea:Your message");
    expect(await page.getByRole("button", { name: "Go" }).count()).toBe(1);
    expect(await page.getByRole("button", { name: "Hide" }).count()).toBe(1);
    expect(await dialog.evaluate((el) => getComputedStyle(el).fontFamily)).toBe("Georgia, serif");
    expect(await dialog.evaluate((el) => getComputedStyle(el).borderTopLeftRadius)).toBe("4px");
    const launcher = page.getByRole("button", { name: "Talk to us" });
    expect(await launcher.getAttribute("aria-expanded")).toBe("true");
    expect(await launcher.boundingBox()).toMatchObject({ x: 40, y: 800 - 30 - 56 });
    expect((await dialog.boundingBox())?.x).toBe(40);
    expect(await shadowStyle(page, ".w", "z-index")).toBe("1234");
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("takes the site key from parleySettings.site when the tag has no data-site, and follows the system's dark scheme with colorScheme auto", async () => {
    const url = s.host.page("site-setting", {
      base: s.server.url,
      siteKey: "",
      tag: "no-data-site",
      inline: `window.parleySettings = { site: "${s.server.siteKey}", theme: { colorScheme: "auto" }, locale: "sv-SE" };`,
    });
    const { page, errors } = await open(url, { colorScheme: "dark" });
    await page.getByRole("button", { name: "Öppna chatten" }).click();
    const dialog = page.getByRole("dialog", { name: "Chatta med oss" });
    await dialog.waitFor();
    expect(await dialog.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(17, 24, 39)");
    await page.evaluate(() => (window as any).Parley("update", { locale: "en" }));
    expect(await page.getByRole("textbox", { name: "Message" }).count()).toBe(1);
    expect(await page.getByRole("button", { name: "Open chat" }).count()).toBe(1);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("mounts once when a tag manager inserts the script twice after load, and reports unread counts to the page", async () => {
    const url = s.host.page("injected", {
      base: s.server.url,
      siteKey: s.server.siteKey,
      tag: "none",
      inline: `window.Parley = window.Parley || function () { (Parley.q = Parley.q || []).push(arguments) };
        window.unread = []; Parley("on", "unread", function (n) { unread.push(n) });
        addEventListener("load", function () { for (var i = 0; i < 2; i++) { var s = document.createElement("script"); s.src = "${s.server.url}/widget.js?v=2"; s.async = true; s.dataset.site = "${s.server.siteKey}"; document.head.appendChild(s); } });`,
    });
    const { page, errors } = await open(url);
    await page.getByRole("button", { name: "Open chat" }).click();
    await send(page, "Injected hello");
    expect(await page.locator("parley-widget").count()).toBe(1);
    await page.keyboard.press("Escape");
    await s.server.api("POST", `/v1/conversations/${(await latestConversation()).id}/messages`, {
      text: "One for you",
    });
    await poll(() => page.evaluate(() => (window as any).unread.join())).toBe("1");
    expect(await page.getByRole("button", { name: "Open chat, 1 unread" }).count()).toBe(1);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("identifies a user whose hash is valid, and keeps one with a wrong or missing hash anonymous", async () => {
    const cases = [
      {
        id: "user-1",
        hash: crypto.createHmac("sha256", IDENTITY_SECRET).update("user-1").digest("hex"),
        verified: true,
      },
      { id: "user-2", hash: "00ff", verified: false },
      { id: "user-3", hash: undefined, verified: false },
    ];
    for (const c of cases) {
      const user = { id: c.id, name: `Name ${c.id}`, email: `${c.id}@example.com`, hash: c.hash };
      const { page } = await open(
        s.host.page(`user-${c.id}`, {
          base: s.server.url,
          siteKey: s.server.siteKey,
          inline: `window.parleySettings = { user: ${JSON.stringify(user)} };`,
        }),
      );
      await page.getByRole("button", { name: "Open chat" }).click();
      await send(page, `Hello from ${c.id}`);
      const { contact } = await latestConversation();
      if (c.verified) expect(contact).toMatchObject({ externalId: c.id, name: user.name, email: user.email });
      else expect(contact).toMatchObject({ externalId: null, name: null, email: null });
      await page.context().close();
    }
  });

  it("asks the required pre-chat questions first, by keyboard, and not again after a reload", async () => {
    const url = s.host.page("prechat", {
      base: s.server.url,
      siteKey: s.server.siteKey,
      inline: `window.parleySettings = { preChat: { fields: ["name", "email", "phone"], required: true } };`,
    });
    const { page } = await open(url);
    await page.getByRole("button", { name: "Open chat" }).click();
    const name = page.getByRole("textbox", { name: "Name" });
    await name.waitFor();
    expect(await focused(page)).toMatch(/^input/);
    await page.getByRole("button", { name: "Start chat" }).click();
    expect(await page.getByRole("textbox", { name: "Message" }).count()).toBe(0); // required: nothing empty gets through
    await name.fill("Pre Chat");
    await page.getByRole("textbox", { name: "Email" }).fill("pre@example.com");
    await page.getByRole("textbox", { name: "Phone" }).fill("+46701234567");
    await page.keyboard.press("Enter");
    await page.getByRole("textbox", { name: "Message" }).waitFor();
    await send(page, "After the questions");
    expect((await latestConversation()).contact).toMatchObject({
      name: "Pre Chat",
      email: "pre@example.com",
      phone: "+46701234567",
    });
    await page.reload();
    await page.getByRole("button", { name: "Open chat" }).click();
    await page.getByRole("textbox", { name: "Message" }).waitFor();
    expect(await page.getByRole("textbox", { name: "Name" }).count()).toBe(0);
    await page.context().close();
  });

  it("opens from the page's own button with the launcher hidden, and Escape gives focus back to that button", async () => {
    const url = s.host.page("no-launcher", {
      base: s.server.url,
      siteKey: s.server.siteKey,
      inline: `window.parleySettings = { launcher: { hidden: true } };
        addEventListener("DOMContentLoaded", function () { var b = document.createElement("button"); b.id = "help"; b.textContent = "Help"; b.onclick = function () { Parley("open") }; document.querySelector("main").append(b) });`,
    });
    const { page } = await open(url);
    await page.getByRole("button", { name: "Help" }).waitFor();
    await page.evaluate(() => new Promise((resolve) => (window as any).Parley("on", "ready", resolve)));
    expect(await page.getByRole("button", { name: "Open chat" }).count()).toBe(0);
    await page.getByRole("button", { name: "Help" }).focus();
    await page.keyboard.press("Enter");
    await page.getByRole("textbox", { name: "Message" }).waitFor();
    await poll(() => focused(page)).toBe("textarea:Message");
    await page.keyboard.press("Escape");
    expect(await page.getByRole("dialog").count()).toBe(0);
    expect(await focused(page)).toBe("page:BUTTON#help");
    await page.context().close();
  });

  it("works by keyboard alone: Tab to the launcher, Enter opens, Shift+Enter is a newline, Enter sends, Escape returns to the launcher; an off handler hears nothing", async () => {
    const url = s.host.page("keyboard", {
      base: s.server.url,
      siteKey: s.server.siteKey,
      inline: `window.Parley = window.Parley || function () { (Parley.q = Parley.q || []).push(arguments) };
        window.heard = []; var h = function (m) { heard.push(m.content.text) }; Parley("on", "message", h); Parley("off", "message", h);`,
    });
    const { page, errors } = await open(url);
    // widget.js is an async script: the launcher exists once it has run.
    await page.getByRole("button", { name: "Open chat" }).waitFor();
    await page.keyboard.press("Tab");
    expect(await focused(page)).toBe("launcher");
    await page.keyboard.press("Enter");
    await page.getByRole("textbox", { name: "Message" }).waitFor();
    await poll(() => focused(page)).toBe("textarea:Message");
    await page.keyboard.type("line one");
    await page.keyboard.press("Shift+Enter");
    await page.keyboard.type("line two");
    await page.keyboard.press("Enter");
    await poll(() => logLines(page)).toEqual(["contact: line one\nline two"]);
    expect(await page.getByRole("textbox", { name: "Message" }).inputValue()).toBe("");
    await page.keyboard.press("Tab");
    expect(await focused(page)).toBe("button:Send");
    await page.keyboard.press("Escape");
    expect(await page.getByRole("dialog").count()).toBe(0);
    expect(await focused(page)).toBe("launcher");
    await s.server.api("POST", `/v1/conversations/${(await latestConversation()).id}/messages`, {
      text: "Nobody listens",
    });
    await page.getByRole("button", { name: "Open chat, 1 unread" }).waitFor();
    expect(await page.evaluate(() => (window as any).heard)).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("gives a touch phone a full-screen panel whose fields are 16 px, so that the browser does not zoom into them", async () => {
    const url = s.host.page("touch", {
      base: s.server.url,
      siteKey: s.server.siteKey,
      inline: `window.parleySettings = { preChat: { fields: ["email"] } };`,
    });
    const { page } = await open(url, {
      viewport: { width: 390, height: 700 },
      hasTouch: true,
      isMobile: true,
      deviceScaleFactor: 2,
    });
    const launcher = page.getByRole("button", { name: "Open chat" });
    await launcher.tap();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    await poll(async () => JSON.stringify(await dialog.boundingBox())).toBe(
      JSON.stringify({ x: 0, y: 0, width: 390, height: 700 }),
    );
    expect(await page.getByRole("textbox", { name: "Email" }).evaluate((el) => getComputedStyle(el).fontSize)).toBe(
      "16px",
    );
    await page.getByRole("button", { name: "Start chat" }).tap();
    const box = page.getByRole("textbox", { name: "Message" });
    expect(await box.evaluate((el) => getComputedStyle(el).fontSize)).toBe("16px");
    await page.screenshot({ path: "test-results/widget-touch.png" });
    await page.getByRole("button", { name: "Close chat" }).tap();
    expect(await dialog.count()).toBe(0);
    expect(await launcher.isVisible()).toBe(true);
    await page.context().close();
  });

  it("draws black on very light and white on very dark primary colours, and textColor when given", async () => {
    const cases = [
      { primary: "#fefefe", on: "rgb(0, 0, 0)" },
      { primary: "#ffff00", on: "rgb(0, 0, 0)" },
      { primary: "#111111", on: "rgb(255, 255, 255)" },
      { primary: "#000000", on: "rgb(255, 255, 255)" },
      { primary: "#111111", textColor: "#ff8800", on: "rgb(255, 136, 0)" },
    ];
    for (const [i, c] of cases.entries()) {
      const theme = JSON.stringify({ primaryColor: c.primary, textColor: c.textColor });
      const { page } = await open(
        s.host.page(`contrast-${i}`, {
          base: s.server.url,
          siteKey: s.server.siteKey,
          inline: `window.parleySettings = { theme: ${theme} };`,
        }),
      );
      const launcher = page.getByRole("button", { name: "Open chat" });
      await launcher.click();
      await page.getByRole("dialog").waitFor();
      expect(await launcher.evaluate((el) => getComputedStyle(el).color)).toBe(c.on);
      expect(await shadowStyle(page, ".head", "color")).toBe(c.on);
      expect(await page.getByRole("button", { name: "Send" }).evaluate((el) => getComputedStyle(el).color)).toBe(c.on);
      await page.context().close();
    }
  });

  it("leaves every computed style of the host page as it was without the widget", async () => {
    const context = await s.browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    const snapshot = () =>
      page.evaluate(() => {
        const props = [
          "font-family",
          "font-size",
          "line-height",
          "color",
          "background-color",
          "margin",
          "padding",
          "box-sizing",
          "overflow",
          "color-scheme",
          "position",
        ];
        const els = ["html", "body", "main", "h1", "p"].map((s) => document.querySelector(s)!);
        return JSON.stringify([
          els.map((el) => props.map((p) => getComputedStyle(el).getPropertyValue(p))),
          document.documentElement.scrollWidth,
          document.documentElement.scrollHeight,
        ]);
      });
    await page.goto(s.host.page("bare", { base: s.server.url, siteKey: s.server.siteKey, tag: "none" }));
    const without = await snapshot();
    await page.goto(s.host.page("styled", { base: s.server.url, siteKey: s.server.siteKey }));
    await page.getByRole("button", { name: "Open chat" }).click();
    await page.getByRole("dialog").waitFor();
    expect(await snapshot()).toBe(without);
    await context.close();
  });

  it("fetches what an agent wrote while the visitor was offline, and sends what the visitor typed then, each once", async () => {
    const { page } = await open(s.host.page("offline", { base: s.server.url, siteKey: s.server.siteKey }));
    await page.getByRole("button", { name: "Open chat" }).click();
    await send(page, "Before");
    const conversationId = (await latestConversation()).id;
    await page.context().setOffline(true);
    await page.getByRole("status").filter({ hasText: "Offline" }).waitFor();
    await s.server.api("POST", `/v1/conversations/${conversationId}/messages`, { text: "Missed 1" });
    await s.server.api("POST", `/v1/conversations/${conversationId}/messages`, { text: "Missed 2" });
    const box = page.getByRole("textbox", { name: "Message" });
    await box.fill("Typed offline");
    await box.press("Enter");
    await page.context().setOffline(false);
    const expected = ["contact: Before", "agent: Missed 1", "agent: Missed 2", "contact: Typed offline"];
    await poll(() => logLines(page)).toEqual(expected);
    await poll(() => page.locator('parley-widget [data-sender="contact"]').last().getAttribute("data-state")).toBe(
      "sent",
    );
    const stored = (
      await s.server.api("GET", `/v1/conversations/${conversationId}/messages?limit=100`)
    ).body.items.reverse();
    expect(stored.map((m: any) => `${m.sender.type}: ${m.content.text}`)).toEqual(expected);
    await page.context().close();
  });
});
