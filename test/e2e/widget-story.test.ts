import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { services } from "../helpers/services.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import {
  ensureBuilt,
  launchChromium,
  logLines,
  startHostSite,
  watchErrors,
  widget,
  type HostSite,
} from "./widget-harness.ts";

/**
 * The visitor's whole story in Chromium, on a host page of another origin under a strict CSP
 * with hostile CSS: launcher → open → send → agent reply, typing, seen and a streamed reply
 * arrive live → reload keeps history → a second tab shows the same conversation → offline
 * sends are delivered once → Escape returns focus.
 */
/**
 * A CSP that lists the relay's http(s) origin in connect-src does not cover ws(s):, so the
 * socket's upgrade to a websocket is refused (and reported by the browser) and the session stays
 * on HTTP long-polling, which works. The widget remembers the refusal, so that later page views
 * (reloads, other tabs) do not try again. Sites that want websockets add the ws(s): origin too.
 */
/** Waits for what the relay pushes (polling transport, shared CPU): generous, never a sleep. */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });

const wsUpgrade =
  /Connecting to 'wss?:\/\/[^']*\/socket\.io\/[^']*transport=websocket[^']*' violates the following Content Security Policy directive: "connect-src/;

describe.skipIf(!services.chromium)("widget end to end: strict CSP, hostile CSS, another origin", () => {
  let server: TestServer;
  let host: HostSite;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  let pageUrl: string;
  let conversationId: string;
  const requests: string[] = [];

  beforeAll(async () => {
    ensureBuilt();
    server = await startTestServer();
    host = await startHostSite(server.url);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    context.on("request", (r) => requests.push(r.url()));
    pageUrl = host.page("strict", { base: server.url, siteKey: server.siteKey, strict: true });
    // The site's stored theme paints the launcher before anything else loads.
    const sites = await server.api("GET", "/v1/sites");
    const site = sites.body.items.find((s: { siteKey: string }) => s.siteKey === server.siteKey);
    expect(
      (
        await server.api("PATCH", `/v1/sites/${site.id}`, {
          theme: { primaryColor: "#e11d48" },
          greeting: "Hi! How can we help?",
        })
      ).status,
    ).toBe(200);
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await server?.close();
  });

  async function conversationMessages() {
    const res = await server.api("GET", `/v1/conversations/${conversationId}/messages?limit=100`);
    return res.body.items as { sender: { type: string }; type: string; content: any }[];
  }

  it("paints the launcher in the site's theme and opens no websocket until asked", async () => {
    page = await context.newPage();
    errors = watchErrors(page);
    await page.goto(pageUrl);
    const launcher = page.getByRole("button", { name: "Open chat" });
    await poll(() => launcher.getAttribute("aria-expanded")).toBe("false");
    await page.waitForFunction(
      () =>
        (window as any).Parley && document.querySelector("parley-widget")?.shadowRoot?.querySelector(".w[data-ready]"),
    );
    expect(await launcher.isVisible()).toBe(true);
    const colours = await launcher.evaluate((el) => [getComputedStyle(el).backgroundColor, getComputedStyle(el).color]);
    expect(colours).toEqual(["rgb(225, 29, 72)", "rgb(255, 255, 255)"]);
    // The host's hostile CSS cannot hide or shrink it: it sits in the corner, 56 px tall.
    const box = (await launcher.boundingBox())!;
    expect(box.height).toBe(56);
    expect(box.x + box.width).toBeGreaterThan(1200 - 100);
    expect(requests.some((u) => u.includes("/socket.io/"))).toBe(false);
    expect(requests.some((u) => /\/assets\/app-/.test(u))).toBe(false);
    expect(await page.locator("parley-widget").count()).toBe(1);
  });

  it("opens a dialog named by its title with the greeting; the composer has focus", async () => {
    await page.getByRole("button", { name: "Open chat" }).click();
    const dialog = page.getByRole("dialog", { name: "Chat with us" });
    await dialog.waitFor();
    expect(await page.getByRole("button", { name: "Open chat" }).getAttribute("aria-expanded")).toBe("true");
    await poll(() => dialog.getByText("Hi! How can we help?").isVisible()).toBe(true);
    const focused = await page.evaluate(() =>
      document.querySelector("parley-widget")!.shadowRoot!.activeElement?.getAttribute("aria-label"),
    );
    expect(focused).toBe("Message");
  });

  it("sends with Enter: sending, then sent", async () => {
    const box = page.getByRole("textbox", { name: "Message" });
    await box.fill("Hello, I need help with my order");
    await box.press("Enter");
    const mine = page.locator('parley-widget [data-sender="contact"]').last();
    await poll(() => mine.getAttribute("data-state")).toBe("sent");
    expect(await box.inputValue()).toBe("");
    const list = await server.api("GET", "/v1/conversations");
    expect(list.body.items).toHaveLength(1);
    conversationId = list.body.items[0].id;
    expect(list.body.items[0].channel).toBe("widget");
  });

  it("shows the agent typing, the agent's reply and the seen marker, live", async () => {
    expect((await server.api("POST", `/v1/conversations/${conversationId}/typing`, { typing: true })).status).toBe(204);
    await poll(() => widget(page).getByRole("status").first().textContent()).toMatch(/typing/i);
    const reply = await server.api("POST", `/v1/conversations/${conversationId}/messages`, {
      text: "Hi! I can help. See https://example.com/orders",
      sender: { type: "agent", name: "Maja" },
    });
    expect(reply.status).toBe(201);
    await poll(() => logLines(page)).toEqual([
      "contact: Hello, I need help with my order",
      "agent: Hi! I can help. See https://example.com/orders",
    ]);
    expect(await widget(page).getByRole("link", { name: "https://example.com/orders" }).count()).toBe(1);
    const mine = (await conversationMessages()).length;
    expect((await server.api("POST", `/v1/conversations/${conversationId}/read`, { seq: mine })).status).toBe(200);
    await poll(() => widget(page).getByText("Seen").isVisible()).toBe(true);
  });

  it("grows a streamed reply as it arrives", async () => {
    const started = await server.api("POST", `/v1/conversations/${conversationId}/messages`, {
      text: "",
      streaming: true,
      sender: { type: "bot", name: "Helper" },
    });
    expect(started.status).toBe(201);
    const id = started.body.id;
    await server.api("POST", `/v1/messages/${id}/append`, { text: "Let me " });
    await poll(async () => (await logLines(page)).at(-1)).toBe("bot: Let me ");
    await server.api("POST", `/v1/messages/${id}/append`, { text: "check that." });
    await poll(async () => (await logLines(page)).at(-1)).toBe("bot: Let me check that.");
    await server.api("POST", `/v1/messages/${id}/complete`, {});
    await poll(() => page.locator('parley-widget [data-sender="bot"] [aria-busy]').count()).toBe(0);
  });

  it("sends a quick reply when an option is clicked", async () => {
    await server.api("POST", `/v1/conversations/${conversationId}/messages`, {
      type: "quick_replies",
      content: {
        text: "Which team?",
        options: [
          { title: "Sales", payload: "team:sales" },
          { title: "Support", payload: "team:support" },
        ],
      },
    });
    await widget(page).getByRole("button", { name: "Support" }).click();
    await poll(async () => (await conversationMessages())[0]).toMatchObject({
      sender: { type: "contact" },
      type: "quick_reply",
      content: { title: "Support", payload: "team:support" },
    });
  });

  it("closes with Escape and gives focus back to the launcher", async () => {
    await page.getByRole("textbox", { name: "Message" }).focus();
    await page.keyboard.press("Escape");
    await poll(() => page.getByRole("dialog").count()).toBe(0);
    const launcher = page.getByRole("button", { name: /Open chat/ });
    expect(await launcher.getAttribute("aria-expanded")).toBe("false");
    expect(
      await page.evaluate(() =>
        document.querySelector("parley-widget")!.shadowRoot!.activeElement?.classList.contains("launcher"),
      ),
    ).toBe(true);
    // Keyboard only: Enter on the focused launcher opens it again.
    await page.keyboard.press("Enter");
    await page.getByRole("dialog").waitFor();
    await page.keyboard.press("Escape");
  });

  it("counts unread agent messages on the launcher while closed", async () => {
    await server.api("POST", `/v1/conversations/${conversationId}/messages`, { text: "Are you still there?" });
    const launcher = page.getByRole("button", { name: "Open chat, 1 unread" });
    await launcher.waitFor();
    expect(await widget(page).locator(".badge").textContent()).toBe("1");
    await launcher.click();
    await poll(() => page.getByRole("button", { name: "Open chat" }).getAttribute("aria-label")).toBe("Open chat");
  });

  it("shows the history after a reload, loading the app at once because a conversation exists", async () => {
    // The first page view tried the websocket once and was refused by the CSP; the reload does not try again.
    expect(errors.filter((e) => wsUpgrade.test(e))).toHaveLength(1);
    requests.length = 0;
    await page.reload();
    await poll(() => requests.some((u) => /\/assets\/app-/.test(u))).toBe(true);
    await page.getByRole("button", { name: "Open chat" }).click();
    await poll(async () => (await logLines(page)).length).toBeGreaterThanOrEqual(6);
    const lines = await logLines(page);
    expect(lines[0]).toBe("contact: Hello, I need help with my order");
    expect(lines).toContain("bot: Let me check that.");
    expect(lines).toContain("contact: Support");
    expect(errors.filter((e) => wsUpgrade.test(e))).toHaveLength(1);
    expect(requests.some((u) => /transport=websocket/.test(u))).toBe(false);
  });

  it("shows the same live conversation in a second tab", async () => {
    const second = await context.newPage();
    const secondErrors = watchErrors(second);
    await second.goto(pageUrl);
    await second.getByRole("button", { name: "Open chat" }).click();
    await poll(async () => (await logLines(second)).length).toBe((await logLines(page)).length);
    const box = second.getByRole("textbox", { name: "Message" });
    await box.fill("Sent from the second tab");
    await box.press("Enter");
    await poll(async () => (await logLines(page)).at(-1)).toBe("contact: Sent from the second tab");
    // The first tab shows it at once from the shared outbox, as sending; it turns sent when the stored copy arrives live.
    // Only then does the agent answer: earlier, the answer could be stored first, and both tabs would rightly show it above.
    await poll(() => page.locator('parley-widget [data-sender="contact"]').last().getAttribute("data-state")).toBe(
      "sent",
    );
    await server.api("POST", `/v1/conversations/${conversationId}/messages`, { text: "Both tabs see this" });
    await poll(async () => (await logLines(second)).at(-1)).toBe("agent: Both tabs see this");
    await poll(async () => (await logLines(page)).at(-1)).toBe("agent: Both tabs see this");
    expect(secondErrors.filter((e) => /Content Security Policy|Refused/.test(e))).toEqual([]);
    await second.close();
  });

  it("keeps showing what another tab delivered while this tab is cut off, then shows it sent, once", async () => {
    const second = await context.newPage();
    await second.goto(pageUrl);
    await second.getByRole("button", { name: "Open chat" }).click();
    await poll(async () => (await logLines(second)).length).toBe((await logLines(page)).length);
    // This tab notes when another tab empties the shared outbox (after the widget's own listener has seen it).
    await page.evaluate(() =>
      addEventListener(
        "storage",
        (e) => e.key?.endsWith(":outbox") && !e.newValue && ((window as any).outboxEmptied = true),
      ),
    );
    // The first tab loses the relay: its send fails, and so does every reconnect until the route is lifted.
    await page.route("**/socket.io/**", (route) => route.abort("internetdisconnected"));
    try {
      await cutOffAndCatchUp(second);
    } finally {
      await page.unroute("**/socket.io/**");
      await second.close();
    }
  });

  async function cutOffAndCatchUp(second: Page) {
    const box = page.getByRole("textbox", { name: "Message" });
    await box.fill("Typed while cut off");
    await box.press("Enter");
    await widget(page)
      .getByText(/^Offline:/)
      .waitFor();
    await poll(async () => (await logLines(second)).at(-1)).toBe("contact: Typed while cut off");
    // The second tab sends its own message, and with it, first, what waits in the shared outbox.
    const other = second.getByRole("textbox", { name: "Message" });
    await other.fill("And one from the second tab");
    await other.press("Enter");
    const sent = (p: Page) =>
      p
        .locator('parley-widget [data-sender="contact"]')
        .evaluateAll((els) =>
          els.slice(-2).map((el) => `${el.querySelector(".bubble")?.textContent}: ${el.getAttribute("data-state")}`),
        );
    await poll(() => sent(second)).toEqual(["Typed while cut off: sent", "And one from the second tab: sent"]);
    await poll(() => page.evaluate(() => (window as any).outboxEmptied === true)).toBe(true);
    // Both left the outbox through the other tab; this tab has no stored copy yet, so they stay as they were.
    expect(await sent(page)).toEqual(["Typed while cut off: sending", "And one from the second tab: sending"]);
    await page.unroute("**/socket.io/**");
    await poll(() => sent(page)).toEqual(["Typed while cut off: sent", "And one from the second tab: sent"]);
    const lines = await logLines(page);
    expect(lines.filter((l) => l === "contact: Typed while cut off")).toHaveLength(1);
    expect(lines.filter((l) => l === "contact: And one from the second tab")).toHaveLength(1);
    expect((await conversationMessages()).filter((m) => m.content.text === "Typed while cut off")).toHaveLength(1);
  }

  it("delivers what was typed offline exactly once when the connection returns", async () => {
    await context.setOffline(true);
    const box = page.getByRole("textbox", { name: "Message" });
    await box.fill("Typed while offline");
    await box.press("Enter");
    const mine = page.locator('parley-widget [data-sender="contact"]').last();
    expect(await mine.getAttribute("data-state")).toBe("sending");
    await context.setOffline(false);
    await poll(() => mine.getAttribute("data-state")).toBe("sent");
    const texts = (await conversationMessages()).filter((m) => m.content.text === "Typed while offline");
    expect(texts).toHaveLength(1);
    expect((await logLines(page)).filter((l) => l === "contact: Typed while offline")).toHaveLength(1);
  });

  it('re-themes live with Parley("update") and keeps text on the colour readable', async () => {
    await page.evaluate(() =>
      (window as any).Parley("update", { title: "Support team", theme: { primaryColor: "#facc15", position: "left" } }),
    );
    const launcher = page.getByRole("button", { name: "Open chat" });
    await poll(() => launcher.evaluate((el) => getComputedStyle(el).backgroundColor)).toBe("rgb(250, 204, 21)");
    expect(await launcher.evaluate((el) => getComputedStyle(el).color)).toBe("rgb(0, 0, 0)");
    expect((await launcher.boundingBox())!.x).toBeLessThan(100);
    expect(await page.getByRole("dialog", { name: "Support team" }).count()).toBe(1);
  });

  it("broke no CSP rule and logged no error", () => {
    expect(
      errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|ERR_NETWORK_CHANGED|net::/.test(e) && !wsUpgrade.test(e)),
    ).toEqual([]);
  });
});
