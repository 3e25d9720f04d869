/**
 * Private notes end to end, in Chromium: a visitor on the real widget, and two agents in their
 * own browser contexts. Ann writes a note in Note mode mentioning Bo (@ completion by keyboard);
 * Bo is notified live (in the inbox and by a browser notification) and finds the conversation
 * under "Mentions"; the visitor's widget never shows the note, not even after a reload.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { services } from "../helpers/services.ts";
import { buildFrontEnd, launchChromium, logLines, startHostSite, widget, type HostSite } from "./widget-harness.ts";
import { axeViolations } from "./axe.ts";
import { signIn } from "./inbox-sign-in.ts";

const root = path.resolve(import.meta.dirname, "../..");
const shots = path.join(root, "test-results", "inbox");
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });
const noteText = "VIP customer: refund approved, courier claim open";

/** Everything the widget shows, its shadow root included. */
const widgetText = (page: Page) =>
  page.locator("parley-widget").evaluate((el) => (el.shadowRoot?.textContent ?? "") + (el.textContent ?? ""));

const row = (page: Page, id: string) => page.locator(`[data-conversation-id="${id}"]`);

describe.skipIf(!services.chromium)("inbox: private notes with mentions", () => {
  let server: TestServer;
  let host: HostSite;
  let browser: Browser;
  let publicDir: string;
  let contexts: BrowserContext[] = [];
  let ann: Page;
  let bo: Page;
  let visitor: Page;
  let conversationId: string;
  let otherId: string;

  beforeAll(async () => {
    publicDir = buildFrontEnd();
    server = await startTestServer({ publicDir });
    host = await startHostSite(server.url);
    const created = await server.api("POST", "/v1/agents", {
      name: "Bo Lind",
      email: "bo@example.com",
      password: "bo-password-1",
    });
    expect(created.status).toBe(201);
    otherId = (await server.api("POST", "/v1/conversations", { contact: { name: "Someone Else" } })).body.id;
    browser = await launchChromium();
    contexts = [
      await browser.newContext({ viewport: { width: 1280, height: 800 } }),
      await browser.newContext({ viewport: { width: 1280, height: 800 } }),
      await browser.newContext({ viewport: { width: 1100, height: 800 } }),
    ];
    ann = await contexts[0]!.newPage();
    bo = await contexts[1]!.newPage();
    visitor = await contexts[2]!.newPage();
    await signIn(ann, server.url, "admin@localhost", server.adminPassword);
    await signIn(bo, server.url, "bo@example.com", "bo-password-1");
    await visitor.goto(host.page("shop", { base: server.url, siteKey: server.siteKey }));
    fs.mkdirSync(shots, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await server?.close();
    if (publicDir) fs.rmSync(publicDir, { recursive: true, force: true });
  });

  it("writes a note in Note mode, mentioning Bo by @ completion, shown in the timeline as a note", async () => {
    await visitor.getByRole("button", { name: "Open chat" }).click();
    const box = widget(visitor).getByRole("textbox", { name: "Message" });
    await box.fill("My parcel never arrived");
    await box.press("Enter");
    await poll(() => widget(visitor).locator('[data-sender="contact"]').last().getAttribute("data-state")).toBe("sent");
    conversationId = (await server.api("GET", "/v1/conversations?channel=widget")).body.items[0].id;

    // Bo's tab is in the background: the browser notification is what reaches him there.
    await bo.evaluate(() => {
      const shown: { title: string; body: string }[] = [];
      (window as unknown as { shown: typeof shown }).shown = shown;
      Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
      (window as unknown as { Notification: unknown }).Notification = class {
        static permission = "granted";
        static requestPermission = async () => "granted";
        onclick: unknown = null;
        constructor(title: string, opts: { body: string }) {
          shown.push({ title, body: opts.body });
        }
        close() {}
      };
    });

    await row(ann, conversationId).click();
    const log = ann.getByRole("log", { name: "Messages" });
    await log.getByText("My parcel never arrived").waitFor();
    await ann.getByRole("textbox", { name: "Reply" }).focus();
    await ann.keyboard.press("Alt+n");
    const noteBox = ann.getByRole("textbox", { name: "Internal note — not seen by the visitor" });
    await noteBox.waitFor();
    await expect(ann.getByRole("button", { name: "Note", exact: true }).getAttribute("aria-pressed")).resolves.toBe(
      "true",
    );
    await ann.getByText("Internal note — not seen by the visitor", { exact: false }).first().waitFor();

    await noteBox.pressSequentially("@bo");
    const list = ann.getByRole("listbox", { name: "Mention an agent" });
    await list.getByRole("option", { name: /Bo Lind/ }).waitFor();
    await ann.screenshot({ path: path.join(shots, "note-mention-list.png") });
    const violations = await axeViolations(ann);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
    await ann.keyboard.press("Enter");
    await list.waitFor({ state: "detached" });
    await noteBox.pressSequentially(noteText);
    await expect(noteBox.inputValue()).resolves.toBe(`@Bo Lind ${noteText}`);
    await ann.screenshot({ path: path.join(shots, "note-mode.png") });
    await ann.keyboard.press("Enter");

    const note = log.locator(".note");
    await note.getByText(noteText, { exact: false }).waitFor();
    await expect(note.getAttribute("aria-label")).resolves.toMatch(/^Internal note by Admin/);
    // In the timeline right after the visitor's message (afterSeq 1).
    await expect(note.getAttribute("data-after-seq")).resolves.toBe("1");
    const stored = (await server.api("GET", `/v1/conversations/${conversationId}/notes`)).body.items;
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ text: `@Bo Lind ${noteText}`, afterSeq: 1, author: { type: "agent" } });
    const boId = (await server.api("GET", "/v1/agents")).body.items.find(
      (a: { email: string }) => a.email === "bo@example.com",
    ).id;
    expect(stored[0].mentions).toEqual([boId]);
    await ann.screenshot({ path: path.join(shots, "note-in-timeline.png") });
  });

  it("notifies Bo live (in the inbox and by a browser notification) and lists the conversation under Mentions", async () => {
    const alert = bo.getByRole("complementary", { name: "Mentions of you" });
    await alert.getByText("Admin mentioned you").waitFor();
    await alert.getByText(noteText, { exact: false }).waitFor();
    await poll(() => bo.evaluate(() => (window as unknown as { shown: { title: string }[] }).shown)).toEqual([
      { title: "Admin mentioned you", body: `@Bo Lind ${noteText}` },
    ]);
    await bo.evaluate(() => Object.defineProperty(document, "visibilityState", { get: () => "visible" }));
    await bo.screenshot({ path: path.join(shots, "mention-alert.png") });
    const violations = await axeViolations(bo);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);

    await row(bo, otherId).waitFor();
    await bo.getByRole("button", { name: "Mentions" }).click();
    await row(bo, conversationId).waitFor();
    await row(bo, otherId).waitFor({ state: "detached" });
    await alert.getByRole("link", { name: "Open conversation" }).click();
    await bo.getByRole("log", { name: "Messages" }).locator(".note").getByText(noteText, { exact: false }).waitFor();
    await alert.getByText("Admin mentioned you").waitFor({ state: "detached" });
    // At 768 px the four list views still fit the sidebar.
    await bo.setViewportSize({ width: 768, height: 900 });
    const mentionsView = bo.getByRole("button", { name: "Mentions" });
    await expect(
      mentionsView.evaluate(
        (el) => el.getBoundingClientRect().right <= el.closest("nav")!.getBoundingClientRect().right,
      ),
    ).resolves.toBe(true);
    await bo.screenshot({ path: path.join(shots, "mentions-768.png") });
  });

  it("never shows the note in the visitor's widget, live or after a reload", async () => {
    await ann.keyboard.press("Alt+n");
    const reply = ann.getByRole("textbox", { name: "Reply" });
    await reply.fill("We are on it.");
    await reply.press("Enter");
    await poll(async () => (await logLines(visitor)).at(-1)).toBe("agent: We are on it.");
    expect(await logLines(visitor)).toEqual(["contact: My parcel never arrived", "agent: We are on it."]);
    expect(await widgetText(visitor)).not.toContain("refund approved");

    await visitor.reload();
    await visitor.getByRole("button", { name: "Open chat" }).click();
    await widget(visitor).getByRole("dialog", { name: "Chat with us" }).waitFor();
    await poll(() => logLines(visitor)).toEqual(["contact: My parcel never arrived", "agent: We are on it."]);
    expect(await widgetText(visitor)).not.toContain("refund approved");
    await visitor.screenshot({ path: path.join(shots, "note-visitor-widget.png") });
  });
});
