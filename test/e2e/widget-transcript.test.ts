import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { services } from "../helpers/services.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { startSink, type Sink } from "../integration/email-sink.ts";
import { signIn } from "./inbox-sign-in.ts";
import { axeViolations } from "./axe.ts";
import { ensureBuilt, launchChromium, startHostSite, watchErrors, widget, type HostSite } from "./widget-harness.ts";

/** Screenshots for a person to look at (PARLEY_SCREENSHOTS names a directory). */
const shots = process.env.PARLEY_SCREENSHOTS ?? path.join(os.tmpdir(), "parley-transcript");
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });

/**
 * CONTRACT §9 in Chromium: the visitor asks for the transcript from the widget's header menu,
 * gives an address (checked before anything is sent), and one email with the whole conversation
 * reaches a real SMTP sink; an agent sends it again from the inbox; an agent turns on emails
 * while offline from the inbox header.
 */
describe.skipIf(!services.chromium)("the transcript by email, end to end", () => {
  let server: TestServer;
  let sink: Sink;
  let host: HostSite;
  let browser: Browser;
  let visitor: Page;
  let inbox: Page;
  let errors: string[];
  let conversationId: string;

  beforeAll(async () => {
    ensureBuilt();
    sink = await startSink();
    server = await startTestServer({
      env: { SMTP_URL: sink.url, PARLEY_EMAIL_DELAY_S: "3600", PARLEY_EMAIL_DOMAIN: "reply.test" },
    });
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
    await sink?.close();
  });

  const screen = () => widget(visitor).locator("section.panel").getAttribute("data-screen");

  it("emails the conversation to the address the visitor gives in the widget", async () => {
    await visitor.goto(host.page("plain", { base: server.url, siteKey: server.siteKey }));
    await visitor.getByRole("button", { name: "Open chat" }).click();
    // No conversation yet: nothing to send, no menu.
    await visitor.getByRole("textbox", { name: "Message" }).waitFor();
    expect(await widget(visitor).getByRole("button", { name: "Menu", exact: true }).count()).toBe(0);
    const box = visitor.getByRole("textbox", { name: "Message" });
    await box.fill("Do you ship to Norway?");
    await box.press("Enter");
    await poll(() => visitor.locator('parley-widget [data-sender="contact"]').last().getAttribute("data-state")).toBe(
      "sent",
    );
    conversationId = (await server.api("GET", "/v1/conversations")).body.items[0].id;
    await server.api("POST", `/v1/conversations/${conversationId}/messages`, { text: "Yes, within 3 days." });
    await widget(visitor).getByText("Yes, within 3 days.").waitFor();

    const menu = widget(visitor).getByRole("button", { name: "Menu", exact: true });
    await menu.click();
    await visitor.screenshot({ path: path.join(shots, "widget-menu.png") });
    await widget(visitor).getByRole("menuitem", { name: "Email me the transcript" }).click();
    await poll(screen).toBe("transcript");
    const email = widget(visitor).getByRole("textbox", { name: "Email" });
    await poll(() =>
      visitor.evaluate(() => document.querySelector("parley-widget")!.shadowRoot!.activeElement?.getAttribute("name")),
    ).toBe("email");

    // A typo is caught in the widget: nothing is asked of the relay, nothing sent.
    await email.fill("sofie@example");
    await email.press("Enter");
    await widget(visitor).getByRole("alert").getByText("Please enter a valid email address.").waitFor();
    await visitor.screenshot({ path: path.join(shots, "widget-transcript-invalid.png") });
    // axe looks into the widget's open shadow root too.
    expect(await axeViolations(visitor)).toEqual([]);
    expect(await email.getAttribute("aria-invalid")).toBe("true");

    await email.fill("sofie@example.org");
    await widget(visitor).getByRole("button", { name: "Send", exact: true }).click();
    await widget(visitor).getByRole("status").getByText("Sent to sofie@example.org.").waitFor();
    const mail = await sink.mail(1);
    await inbox.setContent(String(mail.html));
    await inbox.screenshot({ path: path.join(shots, "transcript-email.png"), fullPage: true });
    expect(mail.to).toMatchObject({ value: [{ address: "sofie@example.org" }] });
    expect(mail.text).toContain("Do you ship to Norway?");
    expect(mail.text).toContain("Yes, within 3 days.");

    await widget(visitor).getByRole("button", { name: "Back to the chat" }).click();
    // Back to the conversation (the away screen: nobody is online in this test).
    await poll(screen).not.toBe("transcript");
    await visitor.getByRole("textbox", { name: "Message" }).waitFor();
    expect((await server.api("GET", `/v1/conversations/${conversationId}`)).body.contact.email).toBe(
      "sofie@example.org",
    );
    expect(errors).toEqual([]);
  });

  it("lets the menu be used by keyboard and closed with Escape without closing the chat", async () => {
    const menu = widget(visitor).getByRole("button", { name: "Menu", exact: true });
    await menu.focus();
    await visitor.keyboard.press("Enter");
    expect(await menu.getAttribute("aria-expanded")).toBe("true");
    await poll(() =>
      visitor.evaluate(() => document.querySelector("parley-widget")!.shadowRoot!.activeElement?.getAttribute("role")),
    ).toBe("menuitem");
    await visitor.keyboard.press("Escape");
    expect(await menu.getAttribute("aria-expanded")).toBe("false");
    expect(await widget(visitor).getByRole("dialog").isVisible()).toBe(true);
    // The address is known now: the form only confirms where it goes.
    await visitor.keyboard.press("Enter");
    await poll(() =>
      visitor.evaluate(() => document.querySelector("parley-widget")!.shadowRoot!.activeElement?.getAttribute("role")),
    ).toBe("menuitem");
    await visitor.keyboard.press("Enter");
    await widget(visitor).getByText("We will send this conversation to sofie@example.org.").waitFor();
    await widget(visitor).getByRole("button", { name: "Cancel" }).click();
    await poll(screen).not.toBe("transcript");
  });

  it("is sent from the inbox by an agent, and an agent turns on emails while offline", async () => {
    await signIn(inbox, server.url, "admin@localhost", server.adminPassword);
    await inbox.locator(`[data-conversation-id="${conversationId}"]`).click();
    const contact = inbox.getByRole("region", { name: "Contact" });
    await contact.getByRole("button", { name: "Email transcript" }).click();
    await contact.getByRole("status").getByText("Transcript sent to sofie@example.org").waitFor();
    await inbox.screenshot({ path: path.join(shots, "inbox-transcript.png") });
    const mail = await sink.mail(2);
    expect(mail.subject).toBe("Your conversation with Default site");
    expect(mail.text).toContain("Yes, within 3 days.");

    const me = (await server.api("GET", "/v1/agents")).body.items.find((a: any) => a.email === "admin@localhost");
    expect(me.emailNotifications).toBe(false);
    await inbox.getByRole("checkbox", { name: "Email when offline" }).check();
    await poll(async () => (await server.api("GET", `/v1/agents/${me.id}`)).body.emailNotifications).toBe(true);
  });
});
