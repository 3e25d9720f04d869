/**
 * Saved replies end to end, in Chromium: an agent saves a reply on the settings screen, then in
 * a conversation types `/`, picks it by keyboard, sees the contact's name filled in, and sends
 * it; the visitor's real widget receives the filled text. axe-core and screenshots.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { services } from "../helpers/services.ts";
import { logLines, widget } from "./widget-harness.ts";
import { axeViolations } from "./axe.ts";
import { poll, screenshots, useScene } from "./scene.ts";

const shots = screenshots("inbox");

describe.skipIf(!services.chromium)("inbox: saved replies", () => {
  const s = useScene({
    ownBuild: true,
    signIn: true,
    agentViewport: { width: 1280, height: 800 },
    visitorContext: { viewport: { width: 1100, height: 800 } },
  });
  let conversationId: string;

  it("saves a team reply with placeholders on the settings screen", async () => {
    await s.agent.getByRole("link", { name: "Saved replies" }).click();
    await s.agent.getByRole("heading", { name: "Saved replies" }).waitFor();
    await s.agent.getByRole("textbox", { name: "Shortcut" }).fill("has space");
    await s.agent.getByRole("textbox", { name: "Title" }).fill("Refund policy");
    await s.agent
      .getByRole("textbox", { name: "Message" })
      .fill("Hi {{contact.name | there}}, your refund is on its way. {{agent.name}} from {{site.name}}");
    await s.agent.getByRole("combobox", { name: "Scope" }).selectOption("team");
    // The browser's own check stops a shortcut with a space before it is sent; the API would too (422).
    await s.agent.getByRole("button", { name: "Add saved reply" }).click();
    expect((await s.server.api("GET", "/v1/canned-responses")).body.items).toHaveLength(0);
    await s.agent.getByRole("textbox", { name: "Shortcut" }).fill("refund");
    await s.agent.getByRole("button", { name: "Add saved reply" }).click();
    await s.agent.getByRole("cell", { name: "/refund", exact: true }).waitFor();
    const saved = (await s.server.api("GET", "/v1/canned-responses")).body.items;
    expect(saved).toMatchObject([{ shortcut: "refund", scope: "team", title: "Refund policy" }]);
    const violations = await axeViolations(s.agent);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
    await s.agent.screenshot({ path: path.join(shots, "saved-replies-settings.png") });
  });

  it("inserts the reply with the contact's name filled in, and the widget receives the filled text", async () => {
    await s.visitor.goto(s.host.page("shop", { base: s.server.url, siteKey: s.server.siteKey }));
    await s.visitor.getByRole("button", { name: "Open chat" }).click();
    const box = widget(s.visitor).getByRole("textbox", { name: "Message" });
    await box.fill("Where is my refund?");
    await box.press("Enter");
    await poll(() => widget(s.visitor).locator('[data-sender="contact"]').last().getAttribute("data-state")).toBe(
      "sent",
    );
    const conv = (await s.server.api("GET", "/v1/conversations")).body.items[0];
    conversationId = conv.id;
    expect((await s.server.api("PATCH", `/v1/contacts/${conv.contact.id}`, { name: "Grace" })).status).toBe(200);
    const site = (await s.server.api("GET", `/v1/sites/${conv.siteId}`)).body.name as string;

    await s.agent.getByRole("link", { name: "Back to conversations" }).click();
    await s.agent.locator(`[data-conversation-id="${conversationId}"]`).click();
    await s.agent.getByRole("heading", { name: "Grace" }).waitFor();
    const reply = s.agent.getByRole("textbox", { name: "Reply" });
    await reply.click();
    await s.agent.keyboard.type("/ref");
    const list = s.agent.getByRole("listbox", { name: "Saved replies" });
    await list.getByRole("option", { name: /refund.*Refund policy/ }).waitFor();
    const active = await reply.getAttribute("aria-activedescendant");
    expect(await list.getByRole("option").first().getAttribute("id")).toBe(active);
    const violations = await axeViolations(s.agent);
    expect(violations, JSON.stringify(violations, null, 2)).toEqual([]);
    await s.agent.screenshot({ path: path.join(shots, "saved-replies-picker.png") });

    await s.agent.keyboard.press("Enter");
    const filled = `Hi Grace, your refund is on its way. Admin from ${site}`;
    await expect(reply.inputValue()).resolves.toBe(filled);
    await expect(list.count()).resolves.toBe(0);
    await s.agent.screenshot({ path: path.join(shots, "saved-replies-inserted.png") });
    await s.agent.keyboard.type(" Thanks!");
    await s.agent.keyboard.press("Enter");
    await poll(async () => (await logLines(s.visitor)).at(-1)).toBe(`agent: ${filled} Thanks!`);
    await s.visitor.screenshot({ path: path.join(shots, "saved-replies-visitor.png") });
  });
});
