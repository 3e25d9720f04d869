import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { services } from "../helpers/services.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { ensureBuilt, launchChromium, startHostSite, watchErrors, widget, type HostSite } from "./widget-harness.ts";

/** Screenshots for a person to look at (PARLEY_SCREENSHOTS names a directory). */
const shots = process.env.PARLEY_SCREENSHOTS ?? path.join(os.tmpdir(), "parley-availability");
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });

/**
 * CONTRACT §8 in Chromium: the widget is away while no agent has the inbox open (a short
 * presence grace for the test), flips to available when one signs in to the inbox and back to
 * away when the last one signs out; away, it shows the away message after the first message and
 * collects the visitor's email onto the contact.
 */
describe.skipIf(!services.chromium)("widget availability end to end", () => {
  let server: TestServer;
  let host: HostSite;
  let browser: Browser;
  let visitor: Page;
  let inbox: Page;
  let errors: string[];

  beforeAll(async () => {
    ensureBuilt();
    server = await startTestServer({ env: { PARLEY_PRESENCE_GRACE_MS: "500" } });
    await server.api("PATCH", `/v1/sites/${server.parley.boot.siteId}`, {
      awayMessage: "We are back at nine tomorrow.",
      replyTime: "hours",
    });
    host = await startHostSite(server.url);
    browser = await launchChromium();
    visitor = await (await browser.newContext({ viewport: { width: 1000, height: 760 } })).newPage();
    inbox = await (await browser.newContext({ viewport: { width: 1200, height: 800 } })).newPage();
    errors = watchErrors(visitor);
    fs.mkdirSync(shots, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await server?.close();
  });

  const screen = () => widget(visitor).locator("section.panel").getAttribute("data-screen");

  async function signIn() {
    await inbox.goto(`${server.url}/inbox`);
    await inbox.getByLabel("Email").fill("admin@localhost");
    await inbox.getByLabel("Password").fill(server.adminPassword);
    await inbox.getByRole("button", { name: "Sign in" }).click();
    await inbox.getByText("Live", { exact: true }).waitFor();
  }

  it("is available while an agent's inbox is open, and says when the team typically replies", async () => {
    await visitor.goto(host.page("plain", { base: server.url, siteKey: server.siteKey }));
    await visitor.getByRole("button", { name: "Open chat" }).click();
    await poll(screen).toBe("away");
    await signIn();
    await poll(screen).toBe("chat");
    await poll(() => widget(visitor).getByText("Typically replies in a few hours").count()).toBe(1);
    await inbox.getByRole("status", { name: "Your status: online" }).waitFor();
    await visitor.screenshot({ path: path.join(shots, "widget-available.png") });
    await inbox.getByRole("button", { name: "Site settings" }).click();
    await inbox.getByRole("heading", { name: "Site settings" }).waitFor();
    expect(await inbox.getByRole("textbox", { name: "Away message" }).inputValue()).toBe(
      "We are back at nine tomorrow.",
    );
    await inbox.screenshot({ path: path.join(shots, "inbox-settings.png") });
    await inbox.getByRole("button", { name: "Back to inbox" }).click();
  });

  it("flips to away when the last agent signs out, shows the away message and collects the email", async () => {
    await inbox.getByRole("button", { name: "Sign out" }).click();
    await poll(screen).toBe("away");
    expect(await widget(visitor).getByText("Typically replies").count()).toBe(0);
    await widget(visitor).getByText("We are away right now").waitFor();

    const box = visitor.getByRole("textbox", { name: "Message" });
    await box.fill("Hello? Is anyone there?");
    await box.press("Enter");
    await widget(visitor).getByText("We are back at nine tomorrow.").waitFor();
    const email = visitor.getByRole("textbox", { name: "Email" });
    await email.fill("ada@example.com");
    await visitor.screenshot({ path: path.join(shots, "widget-away.png") });
    await visitor.getByRole("button", { name: "Save" }).click();
    await widget(visitor).getByText("We will reply to ada@example.com.").waitFor();

    // Stored on the contact of the conversation the visitor started.
    await poll(async () => {
      const list = await server.api("GET", "/v1/conversations?channel=widget");
      return list.body.items[0]?.contact?.email ?? null;
    }).toBe("ada@example.com");
    await visitor.screenshot({ path: path.join(shots, "widget-away-saved.png") });
  });

  it("flips back to available when an agent signs in again", async () => {
    await signIn();
    await poll(screen).toBe("chat");
    // Away from the inbox's toggle: the widget follows.
    await inbox.getByRole("checkbox", { name: "Away" }).check();
    await poll(screen).toBe("away");
    await inbox.getByRole("status", { name: "Your status: away" }).waitFor();
    await inbox.getByRole("checkbox", { name: "Away" }).uncheck();
    await poll(screen).toBe("chat");
    expect(errors).toEqual([]);
  });
});
