/**
 * Lifecycle end to end, in Chromium: an admin sets the site's retention in Site settings, and
 * erasing a contact (`DELETE /v1/contacts/{id}`) takes its conversation out of the open inbox
 * live, while the visitor's widget forgets it and starts fresh (docs/privacy.md).
 */
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { services } from "../helpers/services.ts";
import { buildFrontEnd, launchChromium, startHostSite, widget, type HostSite } from "./widget-harness.ts";
import { signIn } from "./inbox-sign-in.ts";

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });

describe.skipIf(!services.chromium)("inbox and widget: retention setting and live erasure", () => {
  let server: TestServer;
  let host: HostSite;
  let browser: Browser;
  let publicDir: string;
  let agent: Page;
  let visitor: Page;

  beforeAll(async () => {
    publicDir = buildFrontEnd();
    server = await startTestServer({ publicDir });
    host = await startHostSite(server.url);
    browser = await launchChromium();
    agent = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    visitor = await (await browser.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
    await signIn(agent, server.url, "admin@localhost", server.adminPassword);
    await visitor.goto(host.page("shop", { base: server.url, siteKey: server.siteKey }));
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await server?.close();
    if (publicDir) fs.rmSync(publicDir, { recursive: true, force: true });
  });

  it("sets how long closed conversations are kept in Site settings, and clears it", async () => {
    const siteUrl = `/v1/sites/${server.parley.boot.siteId}`;
    await agent.getByRole("button", { name: "Site settings" }).click();
    const days = agent.getByRole("spinbutton", { name: /Delete closed conversations after/ });
    expect(await days.inputValue()).toBe("");
    await days.fill("90");
    await agent.getByRole("button", { name: "Save settings" }).click();
    await agent.getByRole("status").getByText("Saved.").waitFor();
    expect((await server.api("GET", siteUrl)).body.retentionDays).toBe(90);
    await days.fill("");
    await agent.getByRole("button", { name: "Save settings" }).click();
    await poll(async () => (await server.api("GET", siteUrl)).body.retentionDays).toBeNull();
    await agent.getByRole("button", { name: "Back to inbox" }).click();
  });

  it("drops an erased contact's conversation from the open inbox live; the widget forgets it and starts fresh", async () => {
    await visitor.getByRole("button", { name: "Open chat" }).click();
    const box = widget(visitor).getByRole("textbox", { name: "Message" });
    await box.fill("Please forget me");
    await box.press("Enter");
    await poll(() => widget(visitor).locator('[data-sender="contact"]').last().getAttribute("data-state")).toBe("sent");
    const conversation = (await server.api("GET", "/v1/conversations")).body.items[0];
    const row = agent.locator(`[data-conversation-id="${conversation.id}"]`);
    await row.waitFor();
    await row.click();

    expect((await server.api("DELETE", `/v1/contacts/${conversation.contact.id}`)).status).toBe(204);

    await row.waitFor({ state: "detached" });
    await poll(() => widget(visitor).getByText("Please forget me").count()).toBe(0);
    // The widget is a new visitor now: what it sends starts another conversation.
    await box.fill("Hello again");
    await box.press("Enter");
    await poll(() => widget(visitor).locator('[data-sender="contact"]').last().getAttribute("data-state")).toBe("sent");
    const items = (await server.api("GET", "/v1/conversations")).body.items;
    expect(items).toHaveLength(1);
    expect(items[0].id).not.toBe(conversation.id);
    expect(items[0].contact?.id ?? null).not.toBe(conversation.contact.id);
  });
});
