import path from "node:path";
import { describe, expect, it } from "vitest";
import { services } from "../helpers/services.ts";
import { widget } from "./widget-harness.ts";
import { poll, screenshots, signInAdmin, useScene } from "./scene.ts";

const shots = screenshots("rating");

/**
 * CONTRACT §10 in Chromium: an agent closes the conversation in the inbox, the widget asks
 * "Rate this conversation", the visitor rates by keyboard, the inbox shows the rating live, and
 * the survey is not asked again after a reload.
 */
describe.skipIf(!services.chromium)("widget rating end to end", () => {
  const s = useScene();
  let conversationId: string;

  const screen = () => widget(s.visitor).locator("section.panel").getAttribute("data-screen");
  const details = () => s.agent.getByRole("region", { name: "Details" });

  it("asks the visitor to rate once the agent closes the conversation in the inbox", async () => {
    await s.visitor.goto(s.host.page("plain", { base: s.server.url, siteKey: s.server.siteKey }));
    await s.visitor.getByRole("button", { name: "Open chat" }).click();
    const box = s.visitor.getByRole("textbox", { name: "Message" });
    await box.fill("Where is my parcel?");
    await box.press("Enter");
    await poll(() => s.visitor.locator('parley-widget [data-sender="contact"]').last().getAttribute("data-state")).toBe(
      "sent",
    );
    conversationId = (await s.server.api("GET", "/v1/conversations")).body.items[0].id;

    await signInAdmin(s);
    await s.agent.locator(`[data-conversation-id="${conversationId}"]`).click();
    await details().getByText("Not rated").waitFor();
    await details().getByRole("combobox", { name: "Status" }).selectOption("closed");

    const group = widget(s.visitor).getByRole("group", { name: "Rate this conversation" });
    await group.waitFor();
    expect(await screen()).toBe("rating");
    await s.visitor.screenshot({ path: path.join(shots, "widget-rating.png") });
  });

  it("takes a 4 with a comment by keyboard, and the inbox shows it live", async () => {
    const group = widget(s.visitor).getByRole("group", { name: "Rate this conversation" });
    // The panel puts focus on the first score; from there on, only keys.
    await poll(() =>
      s.visitor.evaluate(() => document.querySelector("parley-widget")!.shadowRoot!.activeElement?.textContent),
    ).toBe("1");
    for (let i = 0; i < 3; i++) await s.visitor.keyboard.press("Tab");
    await s.visitor.keyboard.press("Space");
    expect(await group.getByRole("button", { name: "4" }).getAttribute("aria-pressed")).toBe("true");
    await s.visitor.keyboard.press("Tab"); // 5
    await s.visitor.keyboard.press("Tab"); // the comment
    await s.visitor.keyboard.type("Quick and friendly");
    await s.visitor.keyboard.press("Tab"); // Send rating
    await s.visitor.keyboard.press("Enter");
    await poll(screen).toBe("chat");

    const rated = details().getByText("Rated 4 of 5");
    await rated.waitFor();
    await details().getByText("Quick and friendly").waitFor();
    expect((await s.server.api("GET", `/v1/conversations/${conversationId}`)).body.rating).toMatchObject({
      score: 4,
      comment: "Quick and friendly",
    });
    await details().screenshot({ path: path.join(shots, "inbox-rating.png") });
  });

  it("does not ask again after a reload", async () => {
    await s.visitor.reload();
    await s.visitor.getByRole("button", { name: "Open chat" }).click();
    await poll(() => widget(s.visitor).getByText("This conversation is closed.", { exact: false }).count()).toBe(1);
    expect(await screen()).toBe("chat");
    expect(await widget(s.visitor).getByRole("group", { name: "Rate this conversation" }).count()).toBe(0);
    expect(s.errors).toEqual([]);
  });
});
