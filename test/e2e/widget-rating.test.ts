import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { services } from "../helpers/services.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { ensureBuilt, launchChromium, startHostSite, watchErrors, widget, type HostSite } from "./widget-harness.ts";

/** Screenshots for a person to look at (PARLEY_SCREENSHOTS names a directory). */
const shots = process.env.PARLEY_SCREENSHOTS ?? path.join(os.tmpdir(), "parley-rating");
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });

/**
 * CONTRACT §10 in Chromium: an agent closes the conversation in the inbox, the widget asks
 * "Rate this conversation", the visitor rates by keyboard, the inbox shows the rating live, and
 * the survey is not asked again after a reload.
 */
describe.skipIf(!services.chromium)("widget rating end to end", () => {
  let server: TestServer;
  let host: HostSite;
  let browser: Browser;
  let visitor: Page;
  let inbox: Page;
  let errors: string[];
  let conversationId: string;

  beforeAll(async () => {
    ensureBuilt();
    server = await startTestServer();
    host = await startHostSite(server.url);
    browser = await launchChromium();
    visitor = await (await browser.newContext({ viewport: { width: 1000, height: 760 } })).newPage();
    inbox = await (await browser.newContext({ viewport: { width: 1300, height: 900 } })).newPage();
    errors = watchErrors(visitor);
    fs.mkdirSync(shots, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await server?.close();
  });

  const screen = () => widget(visitor).locator("section.panel").getAttribute("data-screen");
  const details = () => inbox.getByRole("region", { name: "Details" });

  it("asks the visitor to rate once the agent closes the conversation in the inbox", async () => {
    await visitor.goto(host.page("plain", { base: server.url, siteKey: server.siteKey }));
    await visitor.getByRole("button", { name: "Open chat" }).click();
    const box = visitor.getByRole("textbox", { name: "Message" });
    await box.fill("Where is my parcel?");
    await box.press("Enter");
    await poll(() => visitor.locator('parley-widget [data-sender="contact"]').last().getAttribute("data-state")).toBe(
      "sent",
    );
    conversationId = (await server.api("GET", "/v1/conversations")).body.items[0].id;

    await inbox.goto(`${server.url}/inbox`);
    await inbox.getByLabel("Email").fill("admin@localhost");
    await inbox.getByLabel("Password").fill(server.adminPassword);
    await inbox.getByRole("button", { name: "Sign in" }).click();
    await inbox.getByText("Live", { exact: true }).waitFor();
    await inbox.locator(`[data-conversation-id="${conversationId}"]`).click();
    await details().getByText("Not rated").waitFor();
    await details().getByRole("combobox", { name: "Status" }).selectOption("closed");

    const group = widget(visitor).getByRole("group", { name: "Rate this conversation" });
    await group.waitFor();
    expect(await screen()).toBe("rating");
    await visitor.screenshot({ path: path.join(shots, "widget-rating.png") });
  });

  it("takes a 4 with a comment by keyboard, and the inbox shows it live", async () => {
    const group = widget(visitor).getByRole("group", { name: "Rate this conversation" });
    // The panel puts focus on the first score; from there on, only keys.
    await poll(() =>
      visitor.evaluate(() => document.querySelector("parley-widget")!.shadowRoot!.activeElement?.textContent),
    ).toBe("1");
    for (let i = 0; i < 3; i++) await visitor.keyboard.press("Tab");
    await visitor.keyboard.press("Space");
    expect(await group.getByRole("button", { name: "4" }).getAttribute("aria-pressed")).toBe("true");
    await visitor.keyboard.press("Tab"); // 5
    await visitor.keyboard.press("Tab"); // the comment
    await visitor.keyboard.type("Quick and friendly");
    await visitor.keyboard.press("Tab"); // Send rating
    await visitor.keyboard.press("Enter");
    await poll(screen).toBe("chat");

    const rated = details().getByText("Rated 4 of 5");
    await rated.waitFor();
    await details().getByText("Quick and friendly").waitFor();
    expect((await server.api("GET", `/v1/conversations/${conversationId}`)).body.rating).toMatchObject({
      score: 4,
      comment: "Quick and friendly",
    });
    await details().screenshot({ path: path.join(shots, "inbox-rating.png") });
  });

  it("does not ask again after a reload", async () => {
    await visitor.reload();
    await visitor.getByRole("button", { name: "Open chat" }).click();
    await poll(() => widget(visitor).getByText("This conversation is closed.", { exact: false }).count()).toBe(1);
    expect(await screen()).toBe("chat");
    expect(await widget(visitor).getByRole("group", { name: "Rate this conversation" }).count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
