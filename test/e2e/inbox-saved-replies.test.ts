/**
 * Saved replies end to end, in Chromium: an agent saves a reply on the settings screen, then in
 * a conversation types `/`, picks it by keyboard, sees the contact's name filled in, and sends
 * it; the visitor's real widget receives the filled text. axe-core and screenshots.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { services } from "../helpers/services.ts";
import { buildFrontEnd, launchChromium, logLines, startHostSite, widget, type HostSite } from "./widget-harness.ts";
import { axeViolations } from "./axe.ts";
import { signIn } from "./inbox-sign-in.ts";

const root = path.resolve(import.meta.dirname, "../..");
const shots = path.join(root, "test-results", "inbox");
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });

describe.skipIf(!services.chromium)("inbox: saved replies", () => {
  let server: TestServer;
  let host: HostSite;
  let browser: Browser;
  let publicDir: string;
  let agent: Page;
  let visitor: Page;
  let conversationId: string;

  beforeAll(async () => {
    publicDir = buildFrontEnd();
    server = await startTestServer({ publicDir });
    host = await startHostSite(server.url);
    browser = await launchChromium();
    agent = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    visitor = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
    await signIn(agent, server.url, "admin@localhost", server.adminPassword);
    fs.mkdirSync(shots, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await server?.close();
    if (publicDir) fs.rmSync(publicDir, { recursive: true, force: true });
  });

  it("saves a team reply with placeholders on the settings screen", async () => {
    await agent.getByRole("link", { name: "Saved replies" }).click();
    await agent.getByRole("heading", { name: "Saved replies" }).waitFor();
    await agent.getByRole("textbox", { name: "Shortcut" }).fill("has space");
    await agent.getByRole("textbox", { name: "Title" }).fill("Refund policy");
    await agent
      .getByRole("textbox", { name: "Message" })
      .fill("Hi {{contact.name | there}}, your refund is on its way. {{agent.name}} from {{site.name}}");
    await agent.getByRole("combobox", { name: "Scope" }).selectOption("team");
    // The browser's own check stops a shortcut with a space before it is sent; the API would too (422).
    await agent.getByRole("button", { name: "Add saved reply" }).click();
    expect((await server.api("GET", "/v1/canned-responses")).body.items).toHaveLength(0);
    await agent.getByRole("textbox", { name: "Shortcut" }).fill("refund");
    await agent.getByRole("button", { name: "Add saved reply" }).click();
    await agent.getByRole("cell", { name: "/refund", exact: true }).waitFor();
    const saved = (await server.api("GET", "/v1/canned-responses")).body.items;
    expect(saved).toMatchObject([{ shortcut: "refund", scope: "team", title: "Refund policy" }]);
    const violations = await axeViolations(agent);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
    await agent.screenshot({ path: path.join(shots, "saved-replies-settings.png") });
  });

  it("inserts the reply with the contact's name filled in, and the widget receives the filled text", async () => {
    await visitor.goto(host.page("shop", { base: server.url, siteKey: server.siteKey }));
    await visitor.getByRole("button", { name: "Open chat" }).click();
    const box = widget(visitor).getByRole("textbox", { name: "Message" });
    await box.fill("Where is my refund?");
    await box.press("Enter");
    await poll(() => widget(visitor).locator('[data-sender="contact"]').last().getAttribute("data-state")).toBe("sent");
    const conv = (await server.api("GET", "/v1/conversations")).body.items[0];
    conversationId = conv.id;
    expect((await server.api("PATCH", `/v1/contacts/${conv.contact.id}`, { name: "Grace" })).status).toBe(200);
    const site = (await server.api("GET", `/v1/sites/${conv.siteId}`)).body.name as string;

    await agent.getByRole("link", { name: "Back to conversations" }).click();
    await agent.locator(`[data-conversation-id="${conversationId}"]`).click();
    await agent.getByRole("heading", { name: "Grace" }).waitFor();
    const reply = agent.getByRole("textbox", { name: "Reply" });
    await reply.click();
    await agent.keyboard.type("/ref");
    const list = agent.getByRole("listbox", { name: "Saved replies" });
    await list.getByRole("option", { name: /refund.*Refund policy/ }).waitFor();
    const active = await reply.getAttribute("aria-activedescendant");
    expect(await list.getByRole("option").first().getAttribute("id")).toBe(active);
    const violations = await axeViolations(agent);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
    await agent.screenshot({ path: path.join(shots, "saved-replies-picker.png") });

    await agent.keyboard.press("Enter");
    const filled = `Hi Grace, your refund is on its way. Admin from ${site}`;
    await expect(reply.inputValue()).resolves.toBe(filled);
    await expect(list.count()).resolves.toBe(0);
    await agent.screenshot({ path: path.join(shots, "saved-replies-inserted.png") });
    await agent.keyboard.type(" Thanks!");
    await agent.keyboard.press("Enter");
    await poll(async () => (await logLines(visitor)).at(-1)).toBe(`agent: ${filled} Thanks!`);
    await visitor.screenshot({ path: path.join(shots, "saved-replies-visitor.png") });
  });
});
