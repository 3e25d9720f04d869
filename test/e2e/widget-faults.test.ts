/**
 * Faults in Chromium with the real widget.
 * - A store outage: the relay's PostgreSQL goes away (a proxy the test cuts) while a visitor
 *   chats. What the visitor types then stays in the widget's outbox (localStorage), shown as
 *   sending, also across a reload of the page, and is delivered once, without the visitor doing
 *   anything, when the database is back.
 * - A dead connection: the network between the page and the relay stops delivering in one
 *   direction (a proxy drops it, the sockets stay open). The heartbeats find it, the widget
 *   reconnects by itself and shows the agent's message it missed.
 */
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { services } from "../helpers/services.ts";
import { freshDatabaseUrl, startTestServer, type TestServer } from "../helpers/server.ts";
import { pgProxy } from "../helpers/pg-proxy.ts";
import { ChaosProxy } from "../helpers/chaos-proxy.ts";
import { buildFrontEnd, launchChromium, logLines, startHostSite, type HostSite } from "./widget-harness.ts";

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 25_000, interval: 100 });

describe.skipIf(!services.chromium || !services.postgresUrl)("the widget through faults", () => {
  let server: TestServer;
  let host: HostSite;
  let browser: Browser;
  let publicDir: string;
  let proxy: Awaited<ReturnType<typeof pgProxy>>;
  let dropDatabase: () => Promise<void>;

  beforeAll(async () => {
    publicDir = buildFrontEnd();
    const fresh = await freshDatabaseUrl("postgres");
    dropDatabase = fresh.drop;
    proxy = await pgProxy(new URL(services.postgresUrl!));
    const url = new URL(fresh.url);
    url.hostname = "127.0.0.1";
    url.port = String(proxy.port);
    server = await startTestServer({
      databaseUrl: url.toString(),
      publicDir,
      env: { PARLEY_PING_INTERVAL_MS: "2000", PARLEY_PING_TIMEOUT_MS: "2000" },
    });
    host = await startHostSite(server.url);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await proxy?.restore().catch(() => {});
    await server?.close();
    await proxy?.close();
    await dropDatabase?.();
    if (publicDir) fs.rmSync(publicDir, { recursive: true, force: true });
  });

  const states = (page: Page) =>
    page
      .locator("parley-widget [role=log] [data-sender]")
      .evaluateAll((els) => els.map((el) => el.getAttribute("data-state")));
  const outbox = (page: Page) =>
    page.evaluate((key) => JSON.parse(localStorage.getItem(`parley:${key}:outbox`) ?? "[]").length, server.siteKey);

  it("keeps what the visitor typed during the outage, across a reload, and delivers it once when the database is back", async () => {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    await page.goto(host.page("outage", { base: server.url, siteKey: server.siteKey }));
    await page.getByRole("button", { name: "Open chat" }).click();
    const box = page.getByRole("textbox", { name: "Message" });
    await box.fill("Before the outage");
    await box.press("Enter");
    await poll(() => states(page)).toEqual(["sent"]);

    await proxy.cut();
    await box.fill("Typed during the outage");
    await box.press("Enter");
    await poll(() => logLines(page)).toEqual(["contact: Before the outage", "contact: Typed during the outage"]);
    expect(await states(page)).toEqual(["sent", "sending"]);
    expect(await outbox(page)).toBe(1);

    // The page reloads while the database is still away: the message is still there, still sending.
    await page.reload();
    await page.getByRole("button", { name: "Open chat" }).click();
    await poll(() => logLines(page)).toContain("contact: Typed during the outage");
    expect(await outbox(page)).toBe(1);

    await proxy.restore();
    const expected = ["contact: Before the outage", "contact: Typed during the outage"];
    await poll(() => logLines(page)).toEqual(expected);
    await poll(() => states(page)).toEqual(["sent", "sent"]);
    expect(await outbox(page)).toBe(0);
    const conversations = (await server.api("GET", "/v1/conversations")).body.items;
    expect(conversations).toHaveLength(1);
    const stored = await server.api("GET", `/v1/conversations/${conversations[0].id}/messages?limit=100`);
    expect(stored.body.items.map((m: { content: { text: string } }) => m.content.text).reverse()).toEqual([
      "Before the outage",
      "Typed during the outage",
    ]);
    await context.close();
  });

  for (const dir of ["down", "up"] as const) {
    it(`finds a connection dead in one direction (${dir}) and shows what the agent wrote meanwhile`, async () => {
      const network = new ChaosProxy([server.port]);
      const { entrance, url } = await network.entrance();
      const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
      const page = await context.newPage();
      await page.goto(host.page(`dead-${dir}`, { base: url, siteKey: server.siteKey }));
      await page.getByRole("button", { name: "Open chat" }).click();
      const box = page.getByRole("textbox", { name: "Message" });
      await box.fill("Hello?");
      await box.press("Enter");
      await poll(() => states(page)).toEqual(["sent"]);
      const conversationId = (await server.api("GET", "/v1/conversations")).body.items[0].id;

      for (const pair of entrance.pairs) pair.drop(dir);
      const reply = await server.api("POST", `/v1/conversations/${conversationId}/messages`, {
        text: "Still there? Here is the answer.",
      });
      expect(reply.status).toBe(201);
      // Within the heartbeat bound (2 s + 2 s here) and a reconnect, the widget shows it.
      await poll(() => logLines(page)).toEqual(["contact: Hello?", "agent: Still there? Here is the answer."]);
      await box.fill("Thanks!");
      await box.press("Enter");
      await poll(() =>
        page.locator('parley-widget [data-sender="contact"]').evaluateAll((els) => els.map((el) => el.dataset.state)),
      ).toEqual(["sent", "sent"]);
      await context.close();
      await network.close();
    });
  }
});
