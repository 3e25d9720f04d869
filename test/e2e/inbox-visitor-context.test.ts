/**
 * The visitor's context end to end, in Chromium (CONTRACT §8): a visitor on the real widget
 * browses the host page with pushState; the inbox's visitor panel shows the new current page
 * live, without its query string, and the page trail, local time and browser.
 */
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { services } from "../helpers/services.ts";
import { widget } from "./widget-harness.ts";
import { poll, screenshots, useScene } from "./scene.ts";

const shots = screenshots("inbox");

describe.skipIf(!services.chromium)("inbox: the visitor's context, live as they browse", () => {
  const s = useScene({
    ownBuild: true,
    signIn: true,
    visitorContext: { viewport: { width: 1100, height: 800 }, locale: "en-GB", timezoneId: "Asia/Tokyo" },
  });
  let shopUrl: string;
  beforeAll(async () => {
    shopUrl = s.host.page("shop", { base: s.server.url, siteKey: s.server.siteKey });
    await s.visitor.goto(`${shopUrl}?session=s3cret`);
  });

  it("shows the current page as a link, and the new one live after a pushState navigation", async () => {
    await s.visitor.getByRole("button", { name: "Open chat" }).click();
    const box = widget(s.visitor).getByRole("textbox", { name: "Message" });
    await box.fill("Which plan suits me?");
    await box.press("Enter");
    await poll(() => widget(s.visitor).locator('[data-sender="contact"]').last().getAttribute("data-state")).toBe(
      "sent",
    );
    const id = (await s.server.api("GET", "/v1/conversations")).body.items[0].id as string;
    await s.agent.locator(`[data-conversation-id="${id}"]`).click();

    const panel = s.agent.getByRole("region", { name: "Visitor", exact: true });
    const current = panel.locator("dt:text-is('Current page') + dd a");
    await poll(() => current.getAttribute("href")).toBe(shopUrl);
    expect(await current.textContent()).toBe("Host");
    expect(await current.getAttribute("rel")).toBe("noopener noreferrer");
    expect(await current.getAttribute("target")).toBe("_blank");
    await panel.getByText("Asia/Tokyo").waitFor();
    await panel.getByText("en-GB").waitFor();
    await panel.getByText(/Chrom/).first().waitFor();

    await s.visitor.evaluate(() => {
      history.pushState({}, "", "/p/shop/pricing?token=abc#yearly");
      document.title = "Pricing";
    });
    await poll(() => current.getAttribute("href")).toBe(`${s.host.url}/p/shop/pricing`);
    expect(await current.textContent()).toBe("Pricing");
    const trail = panel.getByRole("list", { name: "Pages visited" }).getByRole("link");
    await poll(() => trail.allTextContents()).toEqual(["Pricing", "Host"]);
    expect(await panel.innerHTML()).not.toMatch(/token=abc|s3cret/);

    await s.visitor.evaluate(() => {
      history.pushState({}, "", "/p/shop/plans/pro");
      document.title = "Pro plan";
    });
    await poll(() => trail.allTextContents()).toEqual(["Pro plan", "Pricing", "Host"]);
    expect(await current.textContent()).toBe("Pro plan");
    await panel.screenshot({ path: path.join(shots, "visitor-panel.png") });

    // Back (popstate) is a navigation too.
    await s.visitor.goBack();
    await poll(() => current.getAttribute("href")).toBe(`${s.host.url}/p/shop/pricing`);
  });

  it("shows query strings once an admin allows them in Site settings", async () => {
    await s.agent.getByRole("button", { name: "Site settings" }).click();
    const allow = s.agent.getByRole("checkbox", { name: /query strings/ });
    expect(await allow.isChecked()).toBe(false);
    await allow.check();
    await s.agent.getByRole("button", { name: "Save settings" }).click();
    await s.agent.getByRole("status").getByText("Saved.").waitFor();
    expect((await s.server.api("GET", `/v1/sites/${s.server.parley.boot.siteId}`)).body.visitorContext).toEqual({
      queryStrings: true,
    });
    await s.agent.getByRole("button", { name: "Back to inbox" }).click();

    await s.visitor.evaluate(() => {
      history.pushState({}, "", "/p/shop/search?q=socks");
      document.title = "Search";
    });
    const panel = s.agent.getByRole("region", { name: "Visitor", exact: true });
    const current = panel.locator("dt:text-is('Current page') + dd a");
    await poll(() => current.getAttribute("href")).toBe(`${s.host.url}/p/shop/search?q=socks`);
  });
});
