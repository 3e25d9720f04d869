import path from "node:path";
import { describe, expect, it } from "vitest";
import { services } from "../helpers/services.ts";
import { widget } from "./widget-harness.ts";
import { poll, screenshots, signInAdmin, useScene } from "./scene.ts";

const shots = screenshots("availability");

/**
 * CONTRACT §8 in Chromium: the widget is away while no agent has the inbox open (a short
 * presence grace for the test), flips to available when one signs in to the inbox and back to
 * away when the last one signs out; away, it shows the away message after the first message and
 * collects the visitor's email onto the contact.
 */
describe.skipIf(!services.chromium)("widget availability end to end", () => {
  const s = useScene({
    env: { PARLEY_PRESENCE_GRACE_MS: "500" },
    agentViewport: { width: 1200, height: 800 },
    prepare: async (server) => {
      await server.api("PATCH", `/v1/sites/${server.parley.boot.siteId}`, {
        awayMessage: "We are back at nine tomorrow.",
        replyTime: "hours",
      });
    },
  });

  const screen = () => widget(s.visitor).locator("section.panel").getAttribute("data-screen");

  it("is available while an agent's inbox is open, and says when the team typically replies", async () => {
    await s.visitor.goto(s.host.page("plain", { base: s.server.url, siteKey: s.server.siteKey }));
    await s.visitor.getByRole("button", { name: "Open chat" }).click();
    await poll(screen).toBe("away");
    await signInAdmin(s);
    await poll(screen).toBe("chat");
    await poll(() => widget(s.visitor).getByText("Typically replies in a few hours").count()).toBe(1);
    await s.agent.getByRole("status", { name: "Your status: online" }).waitFor();
    await s.visitor.screenshot({ path: path.join(shots, "widget-available.png") });
    await s.agent.getByRole("button", { name: "Site settings" }).click();
    await s.agent.getByRole("heading", { name: "Site settings" }).waitFor();
    expect(await s.agent.getByRole("textbox", { name: "Away message" }).inputValue()).toBe(
      "We are back at nine tomorrow.",
    );
    await s.agent.screenshot({ path: path.join(shots, "inbox-settings.png") });
    await s.agent.getByRole("button", { name: "Back to inbox" }).click();
  });

  it("flips to away when the last agent signs out, shows the away message and collects the email", async () => {
    await s.agent.getByRole("button", { name: "Sign out" }).click();
    await poll(screen).toBe("away");
    expect(await widget(s.visitor).getByText("Typically replies").count()).toBe(0);
    await widget(s.visitor).getByText("We are away right now").waitFor();

    const box = s.visitor.getByRole("textbox", { name: "Message" });
    await box.fill("Hello? Is anyone there?");
    await box.press("Enter");
    await widget(s.visitor).getByText("We are back at nine tomorrow.").waitFor();
    const email = s.visitor.getByRole("textbox", { name: "Email" });
    await email.fill("ada@example.com");
    await s.visitor.screenshot({ path: path.join(shots, "widget-away.png") });
    await s.visitor.getByRole("button", { name: "Save" }).click();
    await widget(s.visitor).getByText("We will reply to ada@example.com.").waitFor();

    // Stored on the contact of the conversation the visitor started.
    await poll(async () => {
      const list = await s.server.api("GET", "/v1/conversations?channel=widget");
      return list.body.items[0]?.contact?.email ?? null;
    }).toBe("ada@example.com");
    await s.visitor.screenshot({ path: path.join(shots, "widget-away-saved.png") });
  });

  it("flips back to available when an agent signs in again", async () => {
    await signInAdmin(s);
    await poll(screen).toBe("chat");
    // Away from the inbox's toggle: the widget follows.
    await s.agent.getByRole("checkbox", { name: "Away" }).check();
    await poll(screen).toBe("away");
    await s.agent.getByRole("status", { name: "Your status: away" }).waitFor();
    await s.agent.getByRole("checkbox", { name: "Away" }).uncheck();
    await poll(screen).toBe("chat");
    expect(s.errors).toEqual([]);
  });
});
