/**
 * The reports page (CONTRACT §10) in Chromium, on seeded data in Asia/Kolkata: the inbox's first
 * load fetches none of it; /inbox/reports draws the period's figures (the tables behind the
 * charts match the API's summary), the period picker and filters ask again, and light and dark
 * render without a single CSP violation or console error. Screenshots go to PARLEY_SCREENSHOTS.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { services } from "../helpers/services.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { agentWithRole } from "../helpers/agents.ts";
import { clientId, connectVisitor, text, type Visitor } from "../integration/realtime-helpers.ts";
import { buildFrontEnd, launchChromium, watchErrors } from "./widget-harness.ts";
import { axeViolations } from "./axe.ts";
import { signIn } from "./inbox-sign-in.ts";

const TZ = "Asia/Kolkata";
const shots = process.env.PARLEY_SCREENSHOTS ?? path.join(os.tmpdir(), "parley-reports");
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });
const day = (d: Date) => new Intl.DateTimeFormat("en-CA", { timeZone: TZ }).format(d);

describe.skipIf(!services.chromium)("the reports page", () => {
  let server: TestServer;
  let browser: Browser;
  let publicDir: string;
  let offset = 0;
  const visitors: Visitor[] = [];
  let asha: Awaited<ReturnType<typeof agentWithRole>>;

  async function open(colorScheme: "light" | "dark") {
    const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, colorScheme, timezoneId: TZ });
    const page = await context.newPage();
    const violations: string[] = [];
    await page.exposeFunction("reportViolation", (v: string) => violations.push(v));
    await page.addInitScript(() => {
      const report = (window as unknown as { reportViolation(v: string): void }).reportViolation;
      document.addEventListener(
        "securitypolicyviolation",
        (e) => report(`${e.effectiveDirective} ${e.blockedURI}`),
        true,
      );
    });
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    return { page, violations, errors: watchErrors(page), requests };
  }
  const summary = async (query: string) => (await server.api("GET", `/v1/reports/summary?${query}`)).body;
  const tile = (page: Page, name: string) => page.locator(".tile", { hasText: name }).locator("dd").textContent();

  beforeAll(async () => {
    publicDir = buildFrontEnd();
    server = await startTestServer({ publicDir, now: () => new Date(Date.now() + offset).toISOString() });
    asha = await agentWithRole(server, "agent");
    await server.api("PATCH", `/v1/agents/${asha.id}`, { name: "Asha" });
    // Three weeks of conversations at varied hours: answered after a few minutes, most solved, some rated.
    for (let i = 0; i < 36; i++) {
      offset = -((i * 14 + 3) * 3600_000 + i * 7 * 60_000);
      const v = await connectVisitor(server.url, { siteKey: server.siteKey });
      visitors.push(v);
      const ack = await v.call("send", { clientId: clientId(), message: text(`Question ${i}`) });
      const id = ack.conversation.id as string;
      offset += (2 + (i % 9)) * 60_000;
      await asha.call("POST", `/v1/conversations/${id}/messages`, { text: "Hello, let me look" });
      if (i % 2 === 0) await server.api("PATCH", `/v1/conversations/${id}`, { assignee: asha.id });
      if (i % 5 === 4) continue;
      offset += (20 + i * 3) * 60_000;
      await server.api("PATCH", `/v1/conversations/${id}`, { status: "solved" });
      if (i % 3 !== 0) await v.call("rate", { conversationId: id, score: 1 + (i % 5) });
    }
    offset = 0;
    fs.mkdirSync(shots, { recursive: true });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    for (const v of visitors) v.close();
    await browser?.close();
    await server?.close();
    if (publicDir) fs.rmSync(publicDir, { recursive: true, force: true });
  });

  it("loads nothing of the reports with the inbox, then draws the period's figures on /inbox/reports", async () => {
    const { page, violations, errors, requests } = await open("light");
    await signIn(page, server.url, asha.email, asha.password);
    errors.length = 0; // the sign-in page's session check answers 401 before signing in
    expect(requests.filter((u) => /ReportsScreen/.test(u))).toEqual([]);

    await page.getByRole("link", { name: "Reports" }).click();
    await page.waitForURL(/\/inbox\/reports$/);
    await page.locator("figcaption", { hasText: "Conversations per day" }).waitFor();
    const today = day(new Date());
    const from = day(new Date(Date.now() - 6 * 86_400_000));
    const want = await summary(`from=${from}&to=${today}&tz=${encodeURIComponent(TZ)}`);
    expect(want.conversations.started).toBeGreaterThan(5);
    await poll(() => tile(page, "Started")).toBe(String(want.conversations.started));
    expect(await tile(page, "Solved")).toBe(String(want.conversations.solved));
    // The table behind the bars holds the API's perDay.
    const rows = await page
      .locator("table", { has: page.locator("caption", { hasText: "Conversations per day" }) })
      .locator("tbody tr")
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    expect(rows.map((r) => [r[0], Number(r[1]), Number(r[2])])).toEqual(
      want.perDay.map((d: any) => [d.date, d.started, d.solved]),
    );
    // The heat map's cells add up to the conversations started; an agent sees its own row only.
    const cells = await page.locator(".heatmap tbody td").allTextContents();
    expect(cells).toHaveLength(168);
    expect(cells.reduce((n, c) => n + Number(c), 0)).toBe(want.conversations.started);
    await poll(() => page.locator(".agents-table tbody tr").allTextContents()).toEqual([
      expect.stringContaining("Asha"),
    ]);
    expect(await page.locator("canvas").count()).toBe(3);

    await page.getByLabel("30 days").check();
    const month = await summary(
      `from=${day(new Date(Date.now() - 29 * 86_400_000))}&to=${today}&tz=${encodeURIComponent(TZ)}`,
    );
    await poll(() => tile(page, "Started")).toBe(String(month.conversations.started));
    await page.getByLabel("Assignee").selectOption({ label: "Unassigned" });
    const unassigned = await summary(
      `from=${day(new Date(Date.now() - 29 * 86_400_000))}&to=${today}&tz=${encodeURIComponent(TZ)}&assignee=none`,
    );
    await poll(() => tile(page, "Started")).toBe(String(unassigned.conversations.started));
    await page.getByLabel("Assignee").selectOption({ label: "Anyone" });
    await poll(() => tile(page, "Started")).toBe(String(month.conversations.started));

    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(shots, "reports-light.png"), fullPage: true });
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
  });

  it("is readable in dark, without a CSP violation", async () => {
    const { page, violations, errors } = await open("dark");
    await signIn(page, server.url, "admin@localhost", server.adminPassword);
    errors.length = 0;
    await page.goto(`${server.url}/inbox/reports`);
    await page.getByLabel("30 days").check();
    await page.getByText("Busiest hours (conversations started)").waitFor();
    await poll(() => page.locator(".agents-table tbody tr").count()).toBeGreaterThan(1);
    const background = await page.evaluate(() => getComputedStyle(document.querySelector(".reports")!).backgroundColor);
    expect(background).toBe("rgb(9, 9, 11)");
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: path.join(shots, "reports-dark.png"), fullPage: true });
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
  });
});
