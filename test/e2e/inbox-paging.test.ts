/**
 * The inbox with more than one page of everything, in Chromium: the conversation list loads
 * the next page as the agent scrolls, and a long history loads older pages at the top without
 * the view jumping.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build } from "vite";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../helpers/chromium.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { services } from "../helpers/services.ts";

const root = path.resolve(import.meta.dirname, "../..");

describe.skipIf(!services.chromium)("inbox paging", () => {
  let server: TestServer;
  let browser: Browser;
  let publicDir: string;
  let page: Page;
  let longId: string;

  beforeAll(async () => {
    publicDir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-inbox-e2e-"));
    await build({
      configFile: path.join(root, "inbox", "vite.config.ts"),
      logLevel: "silent",
      build: { outDir: path.join(publicDir, "inbox") },
    });
    server = await startTestServer({ publicDir });
    for (let i = 1; i <= 45; i++) {
      await server.api("POST", "/v1/conversations", {
        contact: { name: `Customer ${i}` },
        sender: { type: "contact" },
        message: { text: `Question ${i}` },
      });
    }
    const long = await server.api("POST", "/v1/conversations", {
      contact: { name: "Long Talker" },
      sender: { type: "contact" },
      message: { text: "Message 1" },
    });
    longId = long.body.id;
    for (let i = 2; i <= 75; i++)
      await server.api("POST", `/v1/conversations/${longId}/messages`, { text: `Message ${i}` });

    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}/inbox`);
    await page.getByLabel("Email").fill("admin@localhost");
    await page.getByLabel("Password").fill(server.adminPassword);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.locator("[data-conversation-id]").first().waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (publicDir) fs.rmSync(publicDir, { recursive: true, force: true });
  });

  it("loads the next page of conversations as the agent scrolls down the list", async () => {
    const rows = page.locator("[data-conversation-id]");
    await expect.poll(() => rows.count()).toBe(30);
    await page.locator(".conv-scroll").evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await expect.poll(() => rows.count()).toBe(46);
    await page.getByText("Question 1", { exact: true }).waitFor();
    await expect(page.getByRole("button", { name: "Load more conversations" }).count()).resolves.toBe(0);
  });

  it("loads older messages at the top of a long conversation without moving what the agent was reading", async () => {
    await page.locator(`[data-conversation-id="${longId}"]`).click();
    const log = page.getByRole("log", { name: "Messages" });
    await log.getByText("Message 75", { exact: true }).waitFor();
    await expect(log.locator("[data-seq]").count()).resolves.toBe(30);

    const anchor = log.locator('[data-seq="46"]');
    await log.evaluate((el) => el.scrollTo(0, 0));
    await log.locator('[data-seq="45"]').waitFor({ state: "attached" });
    // Scrolling to the very top moved the anchor down to the top edge; the older page must not move it again.
    const top = await log.evaluate((el) => el.getBoundingClientRect().top);
    const after = (await anchor.boundingBox())!;
    expect(after.y).toBeGreaterThanOrEqual(top);
    expect(after.y).toBeLessThan(top + 120);

    await log.evaluate((el) => el.scrollTo(0, 0));
    await log.getByText("Start of the conversation").waitFor();
    await expect(log.locator("[data-seq]").count()).resolves.toBe(75);
    const seqs = await log
      .locator("[data-seq]")
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-seq"))));
    expect(seqs).toEqual(Array.from({ length: 75 }, (_, i) => i + 1));
  });
});
