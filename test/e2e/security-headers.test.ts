/**
 * Parley's own pages under their strict Content-Security-Policy, in Chromium: the API reference
 * (Swagger UI) renders its operations, the inbox signs in and shows a conversation, and the demo
 * page embeds the widget, which sends a message — each without a single CSP violation. The pages
 * refuse to be framed.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { services } from "../helpers/services.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { buildFrontEnd, launchChromium, watchErrors } from "./widget-harness.ts";

/** Chromium logs every refusal by a CSP as a console error starting so. */
const refusals = (errors: string[]) => errors.filter((e) => /Content Security Policy|Refused to/i.test(e));
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });
/** Screenshots of the pages, for a person to look at (PARLEY_SCREENSHOTS names a directory). */
const shots = process.env.PARLEY_SCREENSHOTS ?? path.join(os.tmpdir(), "parley-security-headers");

describe.skipIf(!services.chromium)("the pages under their Content-Security-Policy", () => {
  let server: TestServer;
  let browser: Browser;
  let publicDir: string;

  /** A fresh page whose CSP violations (and other errors) end up in the answer's `errors`. */
  async function open(): Promise<{ page: Page; violations: string[]; errors: string[] }> {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const violations: string[] = [];
    await page.exposeFunction("reportViolation", (v: string) => violations.push(v));
    await page.addInitScript(() => {
      const report = (window as unknown as { reportViolation(v: string): void }).reportViolation;
      document.addEventListener(
        "securitypolicyviolation",
        (e) => report(`${e.effectiveDirective} refused ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`),
        true,
      );
    });
    return { page, violations, errors: watchErrors(page) };
  }

  beforeAll(async () => {
    publicDir = buildFrontEnd();
    server = await startTestServer({ publicDir });
    await server.api("POST", "/v1/conversations", {
      contact: { name: "Alice", email: "alice@example.com" },
      topic: "Billing question",
      message: { text: "About my invoice" },
    });
    fs.mkdirSync(shots, { recursive: true });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (publicDir) fs.rmSync(publicDir, { recursive: true, force: true });
  });

  it("renders the API reference (Swagger UI) and its operations", async () => {
    const { page, violations, errors } = await open();
    await page.goto(`${server.url}/docs`);
    await page.locator(".opblock-summary").first().waitFor();
    expect(await page.locator(".opblock-summary").count()).toBeGreaterThan(10);
    await page.screenshot({ path: path.join(shots, "docs.png") });
    // "Try it out" calls the API from the page (connect-src) and renders the answer.
    const list = page
      .locator(".opblock-get")
      .filter({ has: page.locator('.opblock-summary-path[data-path="/v1/conversations"]') })
      .first();
    await list.locator(".opblock-summary").click();
    await list.getByRole("button", { name: "Try it out" }).click();
    await list.getByRole("button", { name: "Execute" }).click();
    await list.locator(".live-responses-table .response-col_status", { hasText: "401" }).waitFor();
    expect(violations).toEqual([]);
    expect(refusals(errors)).toEqual([]); // the 401 of "Try it out" is logged too
    await page.context().close();
  });

  it("signs in to the inbox and shows a conversation", async () => {
    const { page, violations, errors } = await open();
    await page.goto(`${server.url}/inbox/`);
    // (Before signing in, the inbox's session probe answers 401, which Chromium logs as an error.)
    await page.getByLabel("Email").fill("admin@localhost");
    await page.getByLabel("Password").fill(server.adminPassword);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator("[data-conversation-id]", { hasText: "Alice" }).click();
    const log = page.getByRole("log", { name: "Messages" });
    await log.getByText("About my invoice", { exact: true }).waitFor();
    await page.getByText("Live", { exact: true }).waitFor();
    await page.screenshot({ path: path.join(shots, "inbox.png") });
    expect(violations).toEqual([]);
    expect(refusals(errors)).toEqual([]);
    await page.context().close();
  });

  it("embeds the widget on the demo page, which opens and sends a message", async () => {
    const { page, violations, errors } = await open();
    await page.goto(server.url);
    await page.getByRole("button", { name: "Open chat" }).click();
    const box = page.getByRole("textbox", { name: "Message" });
    await box.fill("Hello from the demo page");
    await box.press("Enter");
    const mine = page.locator('parley-widget [data-sender="contact"]').last();
    await poll(() => mine.getAttribute("data-state")).toBe("sent");
    // The playground re-themes the live widget.
    await page.getByLabel("Title").fill("Help desk");
    await page.getByRole("dialog", { name: "Help desk" }).waitFor();
    await page.screenshot({ path: path.join(shots, "demo.png") });
    const list = (await server.api("GET", "/v1/conversations")).body.items;
    const chat = list.find((c: { channel: string }) => c.channel === "widget");
    const messages = (await server.api("GET", `/v1/conversations/${chat.id}/messages`)).body.items;
    expect(messages.map((m: { content: { text?: string } }) => m.content.text)).toContain("Hello from the demo page");
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("refuses to show the inbox, the docs or the demo page in a frame", async () => {
    const { page, violations } = await open();
    // A page of another origin (a data: URL is opaque) framing Parley's pages.
    const frames = ["/inbox/", "/docs", "/"].map((p) => `<iframe src="${server.url}${p}"></iframe>`).join("");
    await page.goto(`data:text/html,${encodeURIComponent(frames)}`);
    await poll(() => page.frames().length).toBe(4);
    // Each refused frame ends on Chromium's error document instead of the page.
    for (const frame of page.frames().slice(1)) await poll(() => frame.url()).toMatch(/^chrome-error:/);
    expect(violations).toEqual([]); // frame-ancestors is reported to the framed page, not the framer
    await page.context().close();
  });
});
