import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { services } from "../helpers/services.ts";
import { startSink, type Sink } from "../integration/email-sink.ts";
import { axeViolations } from "./axe.ts";
import { widget } from "./widget-harness.ts";
import { poll, screenshots, signInAdmin, useScene } from "./scene.ts";

const shots = screenshots("transcript");

/**
 * CONTRACT §9 in Chromium: the visitor asks for the transcript from the widget's header menu,
 * gives an address (checked before anything is sent), and one email with the whole conversation
 * reaches a real SMTP sink; an agent sends it again from the inbox; an agent turns on emails
 * while offline from the inbox header.
 */
describe.skipIf(!services.chromium)("the transcript by email, end to end", () => {
  let sink: Sink;
  beforeAll(async () => {
    sink = await startSink();
  });
  afterAll(() => sink?.close());
  const s = useScene({
    env: () => ({ SMTP_URL: sink.url, PARLEY_EMAIL_DELAY_S: "3600", PARLEY_EMAIL_DOMAIN: "reply.test" }),
  });
  let conversationId: string;

  const screen = () => widget(s.visitor).locator("section.panel").getAttribute("data-screen");

  it("emails the conversation to the address the visitor gives in the widget", async () => {
    await s.visitor.goto(s.host.page("plain", { base: s.server.url, siteKey: s.server.siteKey }));
    await s.visitor.getByRole("button", { name: "Open chat" }).click();
    // No conversation yet: nothing to send, no menu.
    await s.visitor.getByRole("textbox", { name: "Message" }).waitFor();
    expect(await widget(s.visitor).getByRole("button", { name: "Menu", exact: true }).count()).toBe(0);
    const box = s.visitor.getByRole("textbox", { name: "Message" });
    await box.fill("Do you ship to Norway?");
    await box.press("Enter");
    await poll(() => s.visitor.locator('parley-widget [data-sender="contact"]').last().getAttribute("data-state")).toBe(
      "sent",
    );
    conversationId = (await s.server.api("GET", "/v1/conversations")).body.items[0].id;
    await s.server.api("POST", `/v1/conversations/${conversationId}/messages`, { text: "Yes, within 3 days." });
    await widget(s.visitor).getByText("Yes, within 3 days.").waitFor();

    const menu = widget(s.visitor).getByRole("button", { name: "Menu", exact: true });
    await menu.click();
    await s.visitor.screenshot({ path: path.join(shots, "widget-menu.png") });
    await widget(s.visitor).getByRole("menuitem", { name: "Email me the transcript" }).click();
    await poll(screen).toBe("transcript");
    const email = widget(s.visitor).getByRole("textbox", { name: "Email" });
    await poll(() =>
      s.visitor.evaluate(() =>
        document.querySelector("parley-widget")!.shadowRoot!.activeElement?.getAttribute("name"),
      ),
    ).toBe("email");

    // A typo is caught in the widget: nothing is asked of the relay, nothing sent.
    await email.fill("sofie@example");
    await email.press("Enter");
    await widget(s.visitor).getByRole("alert").getByText("Please enter a valid email address.").waitFor();
    await s.visitor.screenshot({ path: path.join(shots, "widget-transcript-invalid.png") });
    // axe looks into the widget's open shadow root too.
    expect(await axeViolations(s.visitor)).toEqual([]);
    expect(await email.getAttribute("aria-invalid")).toBe("true");

    await email.fill("sofie@example.org");
    await widget(s.visitor).getByRole("button", { name: "Send", exact: true }).click();
    await widget(s.visitor).getByRole("status").getByText("Sent to sofie@example.org.").waitFor();
    const mail = await sink.mail(1);
    await s.agent.setContent(String(mail.html));
    await s.agent.screenshot({ path: path.join(shots, "transcript-email.png"), fullPage: true });
    expect(mail.to).toMatchObject({ value: [{ address: "sofie@example.org" }] });
    expect(mail.text).toContain("Do you ship to Norway?");
    expect(mail.text).toContain("Yes, within 3 days.");

    await widget(s.visitor).getByRole("button", { name: "Back to the chat" }).click();
    // Back to the conversation (the away screen: nobody is online in this test).
    await poll(screen).not.toBe("transcript");
    await s.visitor.getByRole("textbox", { name: "Message" }).waitFor();
    expect((await s.server.api("GET", `/v1/conversations/${conversationId}`)).body.contact.email).toBe(
      "sofie@example.org",
    );
    expect(s.errors).toEqual([]);
  });

  it("lets the menu be used by keyboard and closed with Escape without closing the chat", async () => {
    const menu = widget(s.visitor).getByRole("button", { name: "Menu", exact: true });
    await menu.focus();
    await s.visitor.keyboard.press("Enter");
    expect(await menu.getAttribute("aria-expanded")).toBe("true");
    await poll(() =>
      s.visitor.evaluate(() =>
        document.querySelector("parley-widget")!.shadowRoot!.activeElement?.getAttribute("role"),
      ),
    ).toBe("menuitem");
    await s.visitor.keyboard.press("Escape");
    expect(await menu.getAttribute("aria-expanded")).toBe("false");
    expect(await widget(s.visitor).getByRole("dialog").isVisible()).toBe(true);
    // The address is known now: the form only confirms where it goes.
    await s.visitor.keyboard.press("Enter");
    await poll(() =>
      s.visitor.evaluate(() =>
        document.querySelector("parley-widget")!.shadowRoot!.activeElement?.getAttribute("role"),
      ),
    ).toBe("menuitem");
    await s.visitor.keyboard.press("Enter");
    await widget(s.visitor).getByText("We will send this conversation to sofie@example.org.").waitFor();
    await widget(s.visitor).getByRole("button", { name: "Cancel" }).click();
    await poll(screen).not.toBe("transcript");
  });

  it("is sent from the inbox by an agent, and an agent turns on emails while offline", async () => {
    await signInAdmin(s);
    await s.agent.locator(`[data-conversation-id="${conversationId}"]`).click();
    const contact = s.agent.getByRole("region", { name: "Contact" });
    await contact.getByRole("button", { name: "Email transcript" }).click();
    await contact.getByRole("status").getByText("Transcript sent to sofie@example.org").waitFor();
    await s.agent.screenshot({ path: path.join(shots, "inbox-transcript.png") });
    const mail = await sink.mail(2);
    expect(mail.subject).toBe("Your conversation with Default site");
    expect(mail.text).toContain("Yes, within 3 days.");

    const me = (await s.server.api("GET", "/v1/agents")).body.items.find((a: any) => a.email === "admin@localhost");
    expect(me.emailNotifications).toBe(false);
    await s.agent.getByRole("checkbox", { name: "Email when offline" }).check();
    await poll(async () => (await s.server.api("GET", `/v1/agents/${me.id}`)).body.emailNotifications).toBe(true);
  });
});
