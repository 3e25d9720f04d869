/**
 * The inbox end to end, in Chromium: a visitor (a socket.io client on the /visitor namespace,
 * speaking shared/protocol.ts) and two agents, each in its own browser context, signed in to
 * /inbox. Live both ways, typing, assignment, tags, close, shortcuts, axe-core and screenshots.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build } from "vite";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { services } from "../helpers/services.ts";
import { clientId, connectVisitor, text, type Visitor } from "../integration/realtime-helpers.ts";

const root = path.resolve(import.meta.dirname, "../..");
const shots = path.join(root, "test-results", "inbox");
const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** The inbox's production build, made for this run so that no other build can change it underneath. */
async function buildInbox(): Promise<string> {
  const publicDir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-inbox-e2e-"));
  await build({ configFile: path.join(root, "inbox", "vite.config.ts"), logLevel: "silent", build: { outDir: path.join(publicDir, "inbox") } });
  return publicDir;
}

async function signIn(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(`${url}/inbox`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("navigation", { name: "Conversations" }).waitFor();
  await page.getByText("Live", { exact: true }).waitFor();
}

async function axeViolations(page: Page): Promise<{ id: string; help: string; nodes: string[] }[]> {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe.run(document, {
      runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
    });
    return result.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")) }));
  });
}

const row = (page: Page, id: string) => page.locator(`[data-conversation-id="${id}"]`);

describe.skipIf(!services.chromium)("inbox: a visitor and two agents", () => {
  let server: TestServer;
  let browser: Browser;
  let publicDir: string;
  let contexts: BrowserContext[] = [];
  let ann: Page; // the owner, admin@localhost
  let bo: Page; // a second agent
  let visitor: Visitor;
  let conversationId: string;

  beforeAll(async () => {
    publicDir = await buildInbox();
    server = await startTestServer({ publicDir });
    const created = await server.api("POST", "/v1/agents", { name: "Bo", email: "bo@example.com", password: "bo-password-1" });
    expect(created.status).toBe(201);
    browser = await chromium.launch({
      executablePath: services.chromium!,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    contexts = [await browser.newContext({ viewport: { width: 1280, height: 800 } }), await browser.newContext({ viewport: { width: 1280, height: 800 } })];
    ann = await contexts[0]!.newPage();
    bo = await contexts[1]!.newPage();
    await signIn(ann, server.url, "admin@localhost", server.adminPassword);
    await signIn(bo, server.url, "bo@example.com", "bo-password-1");
    fs.mkdirSync(shots, { recursive: true });
  });

  afterAll(async () => {
    visitor?.close();
    await browser?.close();
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

  it("shows a new visitor conversation live in both inboxes, with its unread count in the list and the title", async () => {
    visitor = await connectVisitor(server.url, { siteKey: server.siteKey });
    const sent = await visitor.call("send", { clientId: clientId(), message: text("Hi, my order #1042 is late") });
    expect(sent.ok).toBe(true);
    conversationId = sent.conversation.id;

    for (const page of [ann, bo]) {
      await row(page, conversationId).getByText("Hi, my order #1042 is late").waitFor();
      await expect(row(page, conversationId).locator(".badge").textContent()).resolves.toBe("1 unread");
    }
    await ann.waitForFunction(() => document.title === "(1) Parley Inbox");

    const violations = await axeViolations(ann);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
  });

  it("opens the conversation, reports it read, and shows the visitor typing and writing live", async () => {
    await row(ann, conversationId).click();
    const log = ann.getByRole("log", { name: "Messages" });
    await log.getByText("Hi, my order #1042 is late").waitFor();
    expect(await log.locator('[data-sender="contact"]').count()).toBe(1);
    const read = await visitor.next<{ side: string; seq: number }>("read", (e) => e.side === "agent");
    expect(read.seq).toBe(1);
    await ann.waitForFunction(() => document.title === "Parley Inbox");

    await visitor.call("typing", { conversationId, typing: true });
    await ann.getByText("is typing…").waitFor();
    await visitor.call("send", { clientId: clientId(), conversationId, message: text("It was due on Monday") });
    await log.getByText("It was due on Monday").waitFor();
    await ann.getByText("is typing…").waitFor({ state: "detached" });
  });

  it("sends the agent's typing and reply to the visitor, and the reply shows in the other agent's inbox", async () => {
    const typing = visitor.next<{ typing: boolean; name: string }>("typing", (e) => e.typing);
    await ann.keyboard.press("r");
    await expect(ann.evaluate(() => document.activeElement?.getAttribute("aria-label"))).resolves.toBe("Reply");
    await ann.keyboard.type("Sorry about that, ");
    expect((await typing).name).toBe("Admin");
    await ann.keyboard.type("checking now.");
    const heard = visitor.next<{ message: { content: { text: string }; sender: { type: string } } }>("message", (e) => e.message.sender.type === "agent");
    await ann.keyboard.press("Enter");
    expect((await heard).message.content.text).toBe("Sorry about that, checking now.");
    await expect(ann.getByRole("textbox", { name: "Reply" }).inputValue()).resolves.toBe("");

    await row(bo, conversationId).getByText("Admin: Sorry about that, checking now.").waitFor();
    await row(bo, conversationId).click();
    await bo.getByRole("log", { name: "Messages" }).locator('[data-sender="agent"]').getByText("Sorry about that, checking now.").waitFor();
  });

  it("shows an assignment and a tag made by one agent in the other's inbox live", async () => {
    const annId = (await server.api("GET", "/v1/agents")).body.items.find((a: { email: string }) => a.email === "admin@localhost").id;
    await ann.locator("body").click({ position: { x: 5, y: 5 } });
    await ann.keyboard.press("a");
    await expect.poll(() => bo.getByLabel("Assignee").inputValue()).toBe(annId);
    await row(bo, conversationId).getByText("Admin", { exact: true }).waitFor();

    await bo.getByLabel("Add a tag").fill("late-delivery");
    await bo.getByRole("button", { name: "Add", exact: true }).click();
    await ann.getByRole("button", { name: "Remove tag late-delivery" }).waitFor();
    await row(ann, conversationId).getByText("#late-delivery").waitFor();
    expect((await server.api("GET", `/v1/conversations/${conversationId}`)).body).toMatchObject({ assignee: annId, tags: ["late-delivery"] });

    await bo.getByRole("textbox", { name: "Reply" }).fill("I added a tag for the courier team.");
    await bo.getByRole("button", { name: "Send" }).click();
    await ann.getByRole("log", { name: "Messages" }).getByText("I added a tag for the courier team.").waitFor();
  });

  it("sends an attached image to the visitor", async () => {
    // A real 1×1 PNG, so that the browser can decode what the relay serves.
    const png = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");
    const heard = visitor.next<{ message: { type: string; content: { url: string; alt: string } } }>("message", (e) => e.message.type === "image");
    await ann.locator('.composer input[type="file"]').setInputFiles({ name: "receipt.png", mimeType: "image/png", buffer: png });
    const { message } = await heard;
    expect(message.content.alt).toBe("receipt.png");
    const served = await fetch(message.content.url);
    expect(served.headers.get("content-type")).toBe("image/png");
    const img = ann.getByRole("log", { name: "Messages" }).locator('img[alt="receipt.png"]');
    await img.waitFor({ state: "attached" });
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(1);
  });

  it("passes axe-core on the conversation view and looks right at 1280 and 768 px", async () => {
    const violations = await axeViolations(ann);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
    await ann.screenshot({ path: path.join(shots, "conversation-1280.png") });
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
    const other = await server.api("POST", "/v1/conversations", { contact: { name: "Second Visitor" }, sender: { type: "contact" }, message: { text: "Another question" } });
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

  it("closes the conversation with e: read-only for both agents, and the visitor is told", async () => {
    const closed = visitor.next<{ conversation: { status: string } }>("conversation", (e) => e.conversation.status === "closed");
    await ann.getByRole("heading", { level: 2, name: "Visitor", exact: true }).waitFor();
    await ann.locator("body").click({ position: { x: 5, y: 5 } });
    await ann.keyboard.press("e");
    await closed;
    for (const page of [ann, bo]) {
      await page.getByText("This conversation is closed.").waitFor();
      await expect(page.getByRole("textbox", { name: "Reply" }).count()).resolves.toBe(0);
      await expect(page.getByLabel("Status").last().isDisabled()).resolves.toBe(true);
    }
    // The open-conversations list no longer holds it.
    await row(bo, conversationId).waitFor({ state: "detached" });
    expect((await server.api("GET", `/v1/conversations/${conversationId}`)).body.status).toBe("closed");
  });

  it("signs out: back to the sign-in form, and a reload stays signed out", async () => {
    await bo.getByRole("button", { name: "Sign out" }).click();
    await bo.getByRole("heading", { name: "Sign in to Parley" }).waitFor();
    await bo.reload();
    await bo.getByRole("heading", { name: "Sign in to Parley" }).waitFor();
  });
});
