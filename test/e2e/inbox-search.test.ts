/**
 * Search in the inbox, in Chromium (CONTRACT §7): Ctrl+K focuses the search box, results show
 * as the agent types with the matched words marked, and opening one shows the conversation at
 * that message, deep in a long history, highlighted. axe-core with the results open.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build } from "vite";
import type { Browser, Page } from "playwright-core";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { services } from "../helpers/services.ts";
import { launchChromium, watchErrors } from "./widget-harness.ts";
import { axeViolations } from "./axe.ts";

const root = path.resolve(import.meta.dirname, "../..");
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });

describe.skipIf(!services.chromium)("inbox search", () => {
  let server: TestServer;
  let browser: Browser;
  let publicDir: string;
  let page: Page;
  let errors: string[];
  let longId: string;

  beforeAll(async () => {
    publicDir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-inbox-search-"));
    await build({
      configFile: path.join(root, "inbox", "vite.config.ts"),
      logLevel: "silent",
      build: { outDir: path.join(publicDir, "inbox") },
    });
    // The server's clock starts three weeks back: the conversation to find is that old, and
    // newer ones push it off the list's first page, as in a team's real inbox.
    let clockOffset = -21 * 24 * 3600_000;
    server = await startTestServer({ publicDir, now: () => new Date(Date.now() + clockOffset).toISOString() });
    const long = await server.api("POST", "/v1/conversations", {
      contact: { name: "Märta Long" },
      sender: { type: "contact" },
      message: { text: "Message 1" },
    });
    longId = long.body.id;
    for (let i = 2; i <= 70; i++)
      await server.api("POST", `/v1/conversations/${longId}/messages`, {
        text: i === 12 ? "Could the Pangolin café deliver on Sunday?" : `Message ${i}`,
      });
    clockOffset = 0;
    for (let i = 1; i <= 60; i++)
      await server.api("POST", "/v1/conversations", {
        contact: { name: `Other ${i}` },
        sender: { type: "contact" },
        message: { text: `Nothing to see ${i}` },
      });

    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await page.goto(`${server.url}/inbox`);
    await page.getByLabel("Email").fill("admin@localhost");
    await page.getByLabel("Password").fill(server.adminPassword);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator("[data-conversation-id]").first().waitFor();
    // Watched once signed in: the sign-in screen's session check answers 401 by design.
    errors = watchErrors(page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (publicDir) fs.rmSync(publicDir, { recursive: true, force: true });
  });

  it("focuses the search box on Ctrl+K and shows results with the matched words marked as the agent types", async () => {
    // Three weeks old and below sixty newer ones: not in the list the agent sees.
    expect(await page.locator(`[data-conversation-id="${longId}"]`).count()).toBe(0);
    await page.keyboard.press("Control+k");
    const box = page.getByRole("searchbox", { name: "Search conversations" });
    await poll(() => box.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type("pangol cafe", { delay: 30 });
    const results = page.getByRole("list", { name: "Search results" });
    const hit = results.getByRole("link").first();
    await hit.waitFor();
    await poll(() => results.getByRole("link").count()).toBe(1);
    await poll(() => hit.locator("mark").allTextContents()).toEqual(["Pangolin", "café"]);
    await poll(() => hit.textContent()).toContain("Märta Long");
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(os.tmpdir(), "parley-inbox-search-results.png") });
  });

  it("opens the result at its message, loading the older history, in view and highlighted", async () => {
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    await poll(() => page.evaluate(() => location.hash)).toBe(`#/conversations/${longId}?seq=12`);
    const log = page.getByRole("log", { name: "Messages" });
    const found = log.locator('[data-seq="12"]');
    await found.waitFor();
    await poll(() => found.getAttribute("aria-current")).toBe("true");
    // In view: inside the log's visible box (it was 58 messages up from the newest).
    await poll(async () => {
      const box = (await log.boundingBox())!;
      const msg = (await found.boundingBox())!;
      return msg.y >= box.y && msg.y + msg.height <= box.y + box.height;
    }).toBe(true);
    await expect(found.getByText("Could the Pangolin café deliver on Sunday?")).toBeTruthy();
    // The results closed when one was opened.
    expect(await page.getByRole("list", { name: "Search results" }).count()).toBe(0);
    await page.screenshot({ path: path.join(os.tmpdir(), "parley-inbox-search-opened.png") });
    expect(errors).toEqual([]);
  });
});
