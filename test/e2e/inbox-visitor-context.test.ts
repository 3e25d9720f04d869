/**
 * The visitor's context end to end, in Chromium (CONTRACT §8): a visitor on the real widget
 * browses the host page with pushState; the inbox's visitor panel shows the new current page
 * live, without its query string, and the page trail, local time and browser.
 */
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { services } from "../helpers/services.ts";
import { buildFrontEnd, launchChromium, startHostSite, widget, type HostSite } from "./widget-harness.ts";
import { signIn } from "./inbox-sign-in.ts";

const shots = path.resolve(import.meta.dirname, "../../test-results/inbox");
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });

describe.skipIf(!services.chromium)("inbox: the visitor's context, live as they browse", () => {
  let server: TestServer;
  let host: HostSite;
  let browser: Browser;
  let publicDir: string;
  let agent: Page;
  let visitor: Page;
  let shopUrl: string;

  beforeAll(async () => {
    publicDir = buildFrontEnd();
    server = await startTestServer({ publicDir });
    host = await startHostSite(server.url);
    browser = await launchChromium();
    agent = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    visitor = await (
      await browser.newContext({ viewport: { width: 1100, height: 800 }, locale: "en-GB", timezoneId: "Asia/Tokyo" })
    ).newPage();
    await signIn(agent, server.url, "admin@localhost", server.adminPassword);
    shopUrl = host.page("shop", { base: server.url, siteKey: server.siteKey });
    await visitor.goto(`${shopUrl}?session=s3cret`);
    fs.mkdirSync(shots, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await server?.close();
    if (publicDir) fs.rmSync(publicDir, { recursive: true, force: true });
  });

  it("shows the current page as a link, and the new one live after a pushState navigation", async () => {
    await visitor.getByRole("button", { name: "Open chat" }).click();
    const box = widget(visitor).getByRole("textbox", { name: "Message" });
    await box.fill("Which plan suits me?");
    await box.press("Enter");
    await poll(() => widget(visitor).locator('[data-sender="contact"]').last().getAttribute("data-state")).toBe("sent");
    const id = (await server.api("GET", "/v1/conversations")).body.items[0].id as string;
    await agent.locator(`[data-conversation-id="${id}"]`).click();

    const panel = agent.getByRole("region", { name: "Visitor", exact: true });
    const current = panel.locator("dt:text-is('Current page') + dd a");
    await poll(() => current.getAttribute("href")).toBe(shopUrl);
    expect(await current.textContent()).toBe("Host");
    expect(await current.getAttribute("rel")).toBe("noopener noreferrer");
    expect(await current.getAttribute("target")).toBe("_blank");
    await panel.getByText("Asia/Tokyo").waitFor();
    await panel.getByText("en-GB").waitFor();
    await panel.getByText(/Chrom/).first().waitFor();

    await visitor.evaluate(() => {
      history.pushState({}, "", "/p/shop/pricing?token=abc#yearly");
      document.title = "Pricing";
    });
    await poll(() => current.getAttribute("href")).toBe(`${host.url}/p/shop/pricing`);
    expect(await current.textContent()).toBe("Pricing");
    const trail = panel.getByRole("list", { name: "Pages visited" }).getByRole("link");
    await poll(() => trail.allTextContents()).toEqual(["Pricing", "Host"]);
    expect(await panel.innerHTML()).not.toMatch(/token=abc|s3cret/);

    await visitor.evaluate(() => {
      history.pushState({}, "", "/p/shop/plans/pro");
      document.title = "Pro plan";
    });
    await poll(() => trail.allTextContents()).toEqual(["Pro plan", "Pricing", "Host"]);
    expect(await current.textContent()).toBe("Pro plan");
    await panel.screenshot({ path: path.join(shots, "visitor-panel.png") });

    // Back (popstate) is a navigation too.
    await visitor.goBack();
    await poll(() => current.getAttribute("href")).toBe(`${host.url}/p/shop/pricing`);
  });

  it("shows query strings once an admin allows them in Site settings", async () => {
    await agent.getByRole("button", { name: "Site settings" }).click();
    const allow = agent.getByRole("checkbox", { name: /query strings/ });
    expect(await allow.isChecked()).toBe(false);
    await allow.check();
    await agent.getByRole("button", { name: "Save settings" }).click();
    await agent.getByRole("status").getByText("Saved.").waitFor();
    expect((await server.api("GET", `/v1/sites/${server.parley.boot.siteId}`)).body.visitorContext).toEqual({
      queryStrings: true,
    });
    await agent.getByRole("button", { name: "Back to inbox" }).click();

    await visitor.evaluate(() => {
      history.pushState({}, "", "/p/shop/search?q=socks");
      document.title = "Search";
    });
    const panel = agent.getByRole("region", { name: "Visitor", exact: true });
    const current = panel.locator("dt:text-is('Current page') + dd a");
    await poll(() => current.getAttribute("href")).toBe(`${host.url}/p/shop/search?q=socks`);
  });
});
