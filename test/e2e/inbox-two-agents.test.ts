/**
 * The inbox end to end, in Chromium: a visitor using the real widget on a host page of another
 * origin, and two agents, each in their own browser context, signed in to /inbox. Live both
 * ways, typing both ways, read state, assignment, tags, attachments both ways, shortcuts, close
 * (the widget says so and starts a new conversation), axe-core and screenshots.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { services } from "../helpers/services.ts";
import {
  buildFrontEnd,
  launchChromium,
  logLines,
  pngImage,
  startHostSite,
  watchErrors,
  widget,
  type HostSite,
} from "./widget-harness.ts";
import { axeViolations } from "./axe.ts";
import { signIn } from "./inbox-sign-in.ts";

const root = path.resolve(import.meta.dirname, "../..");
const shots = path.join(root, "test-results", "inbox");

/** Waits for what a live channel delivers (shared CPU): generous, never a sleep. */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });

/** Is the image loaded and decoded (not a broken or empty box)? */
const decoded = (img: ReturnType<Page["locator"]>) =>
  img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0 && el.getBoundingClientRect().width > 40);

const row = (page: Page, id: string) => page.locator(`[data-conversation-id="${id}"]`);

describe.skipIf(!services.chromium)("inbox: a visitor on the real widget and two agents", () => {
  let server: TestServer;
  let host: HostSite;
  let browser: Browser;
  let publicDir: string;
  let contexts: BrowserContext[] = [];
  let ann: Page; // the owner, admin@localhost
  let bo: Page; // a second agent
  let visitor: Page; // the host page with the widget
  let visitorErrors: string[];
  let conversationId: string;

  beforeAll(async () => {
    publicDir = buildFrontEnd();
    server = await startTestServer({ publicDir });
    host = await startHostSite(server.url);
    const created = await server.api("POST", "/v1/agents", {
      name: "Bo",
      email: "bo@example.com",
      password: "bo-password-1",
    });
    expect(created.status).toBe(201);
    browser = await launchChromium();
    contexts = [
      await browser.newContext({ viewport: { width: 1280, height: 800 } }),
      await browser.newContext({ viewport: { width: 1280, height: 800 } }),
      await browser.newContext({ viewport: { width: 1100, height: 800 } }),
    ];
    ann = await contexts[0]!.newPage();
    bo = await contexts[1]!.newPage();
    visitor = await contexts[2]!.newPage();
    visitorErrors = watchErrors(visitor);
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

  it("says plainly when the email or password is wrong, and the sign-in page passes axe-core", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/inbox`);
    await page.getByLabel("Email").fill("admin@localhost");
    await page.getByLabel("Password").fill("wrong password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").textContent()).resolves.toBe("Wrong email or password.");
    const violations = await axeViolations(page);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
    await context.close();
  });

  it("shows a conversation the visitor starts in the widget live in both inboxes, with its unread count in the list and the title", async () => {
    await visitor.getByRole("button", { name: "Open chat" }).click();
    const box = widget(visitor).getByRole("textbox", { name: "Message" });
    await box.fill("Hi, my order #1042 is late");
    await box.press("Enter");
    await poll(() => widget(visitor).locator('[data-sender="contact"]').last().getAttribute("data-state")).toBe("sent");
    const list = await server.api("GET", "/v1/conversations");
    expect(list.body.items).toHaveLength(1);
    conversationId = list.body.items[0].id;
    expect(list.body.items[0].channel).toBe("widget");

    for (const page of [ann, bo]) {
      await row(page, conversationId).getByText("Hi, my order #1042 is late").waitFor();
      await expect(row(page, conversationId).locator(".badge").textContent()).resolves.toBe("1 unread");
    }
    await ann.waitForFunction(() => document.title === "(1) Parley Inbox");

    const violations = await axeViolations(ann);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
  });

  it("opens the conversation and reports it read (the widget shows Seen); shows the visitor typing and writing live", async () => {
    await row(ann, conversationId).click();
    const log = ann.getByRole("log", { name: "Messages" });
    await log.getByText("Hi, my order #1042 is late").waitFor();
    expect(await log.locator('[data-sender="contact"]').count()).toBe(1);
    await widget(visitor).getByText("Seen", { exact: true }).waitFor();
    await ann.waitForFunction(() => document.title === "Parley Inbox");

    const box = widget(visitor).getByRole("textbox", { name: "Message" });
    await box.pressSequentially("It was due on Mon");
    await ann.getByText("is typing…").waitFor();
    await box.pressSequentially("day");
    await box.press("Enter");
    await log.getByText("It was due on Monday").waitFor();
    await ann.getByText("is typing…").waitFor({ state: "detached" });
  });

  it("shows the agent typing in the widget, delivers the reply there, and the reply shows in the other agent's inbox", async () => {
    await ann.keyboard.press("r");
    await expect(ann.evaluate(() => document.activeElement?.getAttribute("aria-label"))).resolves.toBe("Reply");
    await ann.keyboard.type("Sorry about that, ");
    await widget(visitor).getByText("Admin is typing…").waitFor();
    await ann.keyboard.type("checking now.");
    await ann.keyboard.press("Enter");
    await poll(async () => (await logLines(visitor)).at(-1)).toBe("agent: Sorry about that, checking now.");
    await widget(visitor).getByText("Admin is typing…").waitFor({ state: "detached" });
    await expect(ann.getByRole("textbox", { name: "Reply" }).inputValue()).resolves.toBe("");

    await row(bo, conversationId).getByText("Admin: Sorry about that, checking now.").waitFor();
    await row(bo, conversationId).click();
    await bo
      .getByRole("log", { name: "Messages" })
      .locator('[data-sender="agent"]')
      .getByText("Sorry about that, checking now.")
      .waitFor();
  });

  it("shows an assignment and a tag made by one agent in the other's inbox live", async () => {
    const annId = (await server.api("GET", "/v1/agents")).body.items.find(
      (a: { email: string }) => a.email === "admin@localhost",
    ).id;
    await ann.locator("body").click({ position: { x: 5, y: 5 } });
    await ann.keyboard.press("a");
    await expect.poll(() => bo.getByLabel("Assignee").inputValue()).toBe(annId);
    await row(bo, conversationId).getByText("Admin", { exact: true }).waitFor();

    await bo.getByLabel("Add a tag").fill("late-delivery");
    await bo.getByRole("button", { name: "Add", exact: true }).click();
    await ann.getByRole("button", { name: "Remove tag late-delivery" }).waitFor();
    await row(ann, conversationId).getByText("#late-delivery").waitFor();
    expect((await server.api("GET", `/v1/conversations/${conversationId}`)).body).toMatchObject({
      assignee: annId,
      tags: ["late-delivery"],
    });

    await bo.getByRole("textbox", { name: "Reply" }).fill("I added a tag for the courier team.");
    await bo.getByRole("button", { name: "Send" }).click();
    await ann.getByRole("log", { name: "Messages" }).getByText("I added a tag for the courier team.").waitFor();
    await poll(async () => (await logLines(visitor)).at(-1)).toBe("agent: I added a tag for the courier team.");
  });

  it("sends an image the agent attaches to the visitor's widget, where it shows decoded", async () => {
    await ann
      .locator('.composer input[type="file"]')
      .setInputFiles({ name: "receipt.png", mimeType: "image/png", buffer: pngImage(800, 500) });
    const inWidget = widget(visitor).locator('[data-sender="agent"] img[alt="receipt.png"]');
    await inWidget.waitFor();
    await poll(() => decoded(inWidget)).toBe(true);
    const src = await inWidget.getAttribute("src");
    const served = await fetch(src!);
    expect(served.headers.get("content-type")).toBe("image/png");
    const log = ann.getByRole("log", { name: "Messages" });
    const inInbox = log.locator('img[alt="receipt.png"]');
    await poll(() => decoded(inInbox)).toBe(true);
    // Shown inside the log at a sensible size, scaled down with its proportions, and scrolled into view.
    const box = (await inInbox.boundingBox())!;
    expect(box.width).toBeLessThanOrEqual(360);
    expect(box.height).toBeLessThanOrEqual(280);
    expect(box.width / box.height).toBeCloseTo(800 / 500, 1);
    await poll(() => log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight < 2)).toBe(true);
    const frame = await inInbox.evaluate((el) => getComputedStyle(el.closest(".msg-bubble")!).backgroundColor);
    expect(frame).not.toBe(
      await ann
        .locator('.msg[data-sender="agent"] .msg-bubble')
        .first()
        .evaluate((el) => getComputedStyle(el).backgroundColor),
    );
  });

  it("lets the visitor attach an image from the widget by keyboard; the agents see it decoded", async () => {
    const dialog = widget(visitor).getByRole("dialog", { name: "Chat with us" });
    const chooser = visitor.waitForEvent("filechooser");
    await dialog.getByRole("button", { name: "Attach a file" }).press("Enter");
    await (await chooser).setFiles({ name: "parcel.png", mimeType: "image/png", buffer: pngImage(240, 320) });
    const mine = widget(visitor).locator('[data-sender="contact"]').last();
    await poll(() => mine.getAttribute("data-state")).toBe("sent");
    await poll(() => decoded(mine.locator('img[alt="parcel.png"]'))).toBe(true);
    for (const page of [ann, bo]) {
      const img = page.getByRole("log", { name: "Messages" }).locator('[data-sender="contact"] img[alt="parcel.png"]');
      await poll(() => decoded(img)).toBe(true);
    }
  });

  it("says in the widget when an upload is refused, and sends nothing", async () => {
    const before = (await server.api("GET", `/v1/conversations/${conversationId}/messages`)).body.total;
    const shown = (await logLines(visitor)).length;
    const dialog = widget(visitor).getByRole("dialog", { name: "Chat with us" });
    const chooser = visitor.waitForEvent("filechooser");
    await dialog.getByRole("button", { name: "Attach a file" }).click();
    await (
      await chooser
    ).setFiles({ name: "page.html", mimeType: "text/html", buffer: Buffer.from("<script>alert(1)</script>") });
    await poll(() => dialog.getByRole("alert").textContent()).toMatch(
      /^page\.html was not sent: Files of type text\/html are not accepted/,
    );
    expect((await server.api("GET", `/v1/conversations/${conversationId}/messages`)).body.total).toBe(before);
    expect((await logLines(visitor)).length).toBe(shown);
  });

  it("passes axe-core on the conversation view and looks right at 1280 and 768 px", async () => {
    const violations = await axeViolations(ann);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
    await ann.screenshot({ path: path.join(shots, "conversation-1280.png") });
    await visitor.screenshot({ path: path.join(shots, "visitor-widget.png") });
    await ann.setViewportSize({ width: 768, height: 900 });
    await ann.screenshot({ path: path.join(shots, "conversation-768.png") });
    await ann.getByRole("button", { name: "Details" }).click();
    await ann.getByRole("complementary", { name: "Conversation details" }).getByLabel("Assignee").waitFor();
    await ann.screenshot({ path: path.join(shots, "details-768.png") });
    const narrow = await axeViolations(ann);
    expect(narrow, JSON.stringify(narrow, null, 2)).toEqual([]);
    await ann.getByRole("button", { name: "Details" }).click();
    await ann.setViewportSize({ width: 1280, height: 800 });
  });

  it("lists the shortcuts at ?, moves between conversations with j and k", async () => {
    const other = await server.api("POST", "/v1/conversations", {
      contact: { name: "Second Visitor" },
      sender: { type: "contact" },
      message: { text: "Another question" },
    });
    await row(ann, other.body.id).waitFor();
    await ann.locator("body").click({ position: { x: 5, y: 5 } });
    await ann.keyboard.press("?");
    const help = ann.getByRole("dialog", { name: "Keyboard shortcuts" });
    await help.waitFor();
    await help.getByText("Assign to me").waitFor();
    await ann.keyboard.press("Escape");
    await help.waitFor({ state: "hidden" });

    // The newest conversation is first; ours is second.
    await ann.keyboard.press("k");
    await ann.waitForFunction((id) => location.hash === `#/conversations/${id}`, other.body.id);
    await ann.getByRole("heading", { name: "Second Visitor" }).waitFor();
    await ann.keyboard.press("j");
    await ann.waitForFunction((id) => location.hash === `#/conversations/${id}`, conversationId);
  });

  it("closes the conversation with e: read-only for both agents; the widget asks for a rating, says it is closed and starts a new one", async () => {
    await ann.getByRole("heading", { level: 2, name: /^Visitor #[A-Z0-9]{4}$/ }).waitFor();
    await ann.locator("body").click({ position: { x: 5, y: 5 } });
    await ann.keyboard.press("e");
    for (const page of [ann, bo]) {
      await page.getByText("This conversation is closed.").waitFor();
      await expect(page.getByRole("textbox", { name: "Reply" }).count()).resolves.toBe(0);
      await expect(page.getByLabel("Status").last().isDisabled()).resolves.toBe(true);
    }
    // The open-conversations list no longer holds it.
    await row(bo, conversationId).waitFor({ state: "detached" });
    expect((await server.api("GET", `/v1/conversations/${conversationId}`)).body.status).toBe("closed");

    const dialog = widget(visitor).getByRole("dialog", { name: "Chat with us" });
    // Closed: the visitor is asked to rate it first (CONTRACT §10), and may skip.
    await dialog.getByRole("group", { name: "Rate this conversation" }).waitFor();
    await dialog.getByRole("button", { name: "Skip" }).click();
    await dialog.getByText("This conversation is closed.").waitFor();
    await dialog.getByRole("button", { name: "Start a new conversation" }).click();
    await poll(() => logLines(visitor)).toEqual([]);
    await expect(
      visitor.evaluate(() =>
        document.querySelector("parley-widget")!.shadowRoot!.activeElement?.getAttribute("aria-label"),
      ),
    ).resolves.toBe("Message");
    await visitor.keyboard.type("One more question about a new order");
    await visitor.keyboard.press("Enter");
    await poll(() => widget(visitor).locator('[data-sender="contact"]').last().getAttribute("data-state")).toBe("sent");
    const open = await server.api("GET", "/v1/conversations?status=open");
    const started = open.body.items.find((c: { channel: string }) => c.channel === "widget");
    expect(started.id).not.toBe(conversationId);
    await row(ann, started.id).getByText("One more question about a new order").waitFor();
    // Only the refused upload's 415, which Chromium reports itself.
    expect(visitorErrors.filter((e) => !/status of 415/.test(e))).toEqual([]);
  });

  it("signs out: back to the sign-in form, also in the agent's other tab (its live socket is cut), and a reload stays signed out", async () => {
    const otherTab = await contexts[1]!.newPage();
    await otherTab.goto(`${server.url}/inbox`);
    await otherTab.getByText("Live", { exact: true }).waitFor();
    await bo.getByRole("button", { name: "Sign out" }).click();
    await bo.getByRole("heading", { name: "Sign in to Parley" }).waitFor();
    await otherTab.getByRole("heading", { name: "Sign in to Parley" }).waitFor();
    await bo.reload();
    await bo.getByRole("heading", { name: "Sign in to Parley" }).waitFor();
  });
});
