/**
 * Lifecycle end to end, in Chromium: an admin sets the site's retention in Site settings, and
 * erasing a contact (`DELETE /v1/contacts/{id}`) takes its conversation out of the open inbox
 * live, while the visitor's widget forgets it and starts fresh (docs/privacy.md).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { services } from "../helpers/services.ts";
import { widget } from "./widget-harness.ts";
import { poll, useScene } from "./scene.ts";

describe.skipIf(!services.chromium)("inbox and widget: retention setting and live erasure", () => {
  const s = useScene({ ownBuild: true, signIn: true, visitorContext: { viewport: { width: 1100, height: 800 } } });
  beforeAll(() => s.visitor.goto(s.host.page("shop", { base: s.server.url, siteKey: s.server.siteKey })));

  it("sets how long closed conversations are kept in Site settings, and clears it", async () => {
    const siteUrl = `/v1/sites/${s.server.parley.boot.siteId}`;
    await s.agent.getByRole("button", { name: "Site settings" }).click();
    const days = s.agent.getByRole("spinbutton", { name: /Delete closed conversations after/ });
    expect(await days.inputValue()).toBe("");
    await days.fill("90");
    await s.agent.getByRole("button", { name: "Save settings" }).click();
    await s.agent.getByRole("status").getByText("Saved.").waitFor();
    expect((await s.server.api("GET", siteUrl)).body.retentionDays).toBe(90);
    await days.fill("");
    await s.agent.getByRole("button", { name: "Save settings" }).click();
    await poll(async () => (await s.server.api("GET", siteUrl)).body.retentionDays).toBeNull();
    await s.agent.getByRole("button", { name: "Back to inbox" }).click();
  });

  it("drops an erased contact's conversation from the open inbox live; the widget forgets it and starts fresh", async () => {
    await s.visitor.getByRole("button", { name: "Open chat" }).click();
    const box = widget(s.visitor).getByRole("textbox", { name: "Message" });
    await box.fill("Please forget me");
    await box.press("Enter");
    await poll(() => widget(s.visitor).locator('[data-sender="contact"]').last().getAttribute("data-state")).toBe(
      "sent",
    );
    const conversation = (await s.server.api("GET", "/v1/conversations")).body.items[0];
    const row = s.agent.locator(`[data-conversation-id="${conversation.id}"]`);
    await row.waitFor();
    await row.click();

    expect((await s.server.api("DELETE", `/v1/contacts/${conversation.contact.id}`)).status).toBe(204);

    await row.waitFor({ state: "detached" });
    await poll(() => widget(s.visitor).getByText("Please forget me").count()).toBe(0);
    // The widget is a new visitor now: what it sends starts another conversation.
    await box.fill("Hello again");
    await box.press("Enter");
    await poll(() => widget(s.visitor).locator('[data-sender="contact"]').last().getAttribute("data-state")).toBe(
      "sent",
    );
    const items = (await s.server.api("GET", "/v1/conversations")).body.items;
    expect(items).toHaveLength(1);
    expect(items[0].id).not.toBe(conversation.id);
    expect(items[0].contact?.id ?? null).not.toBe(conversation.contact.id);
  });
});
