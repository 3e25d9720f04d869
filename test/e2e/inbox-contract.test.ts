/**
 * CONTRACT §5 in Chromium: the session cookie's flags, the list filters (status, mine,
 * unassigned, queue, tag) including live changes, editing status, priority, assignee and tags,
 * the contact with its other conversations, and axe-core on a wide and a narrow screen; plus the
 * demo page at / under axe-core.
 */
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { services } from "../helpers/services.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { buildFrontEnd, launchChromium, watchErrors } from "./widget-harness.ts";
import { axeViolations } from "./axe.ts";

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });

describe.skipIf(!services.chromium)("the inbox contract in Chromium", () => {
  let server: TestServer;
  let browser: Browser;
  let publicDir: string;
  let page: Page;
  let errors: string[];
  const ids: Record<string, string> = {};

  const names = () => page.locator("[data-conversation-id] .conv-name").allTextContents();
  const filters = () => page.getByRole("navigation", { name: "Conversations" });

  beforeAll(async () => {
    publicDir = buildFrontEnd();
    server = await startTestServer({ publicDir });
    const bo = (
      await server.api("POST", "/v1/agents", { name: "Bo", email: "bo@example.com", password: "bo-password-1" })
    ).body;
    const admin = (await server.api("GET", "/v1/agents")).body.items.find(
      (a: { email: string }) => a.email === "admin@localhost",
    );
    const create = async (key: string, body: object) =>
      (ids[key] = (await server.api("POST", "/v1/conversations", body)).body.id);
    await create("alice", {
      contact: { name: "Alice", email: "alice@example.com" },
      topic: "Billing question",
      queue: "billing",
      tags: ["vip"],
      message: { text: "About my invoice" },
    });
    const alice = (await server.api("GET", `/v1/conversations/${ids.alice}`)).body.contact.id;
    await create("aliceOld", {
      contactId: alice,
      topic: "Earlier question",
      status: "waiting",
      message: { text: "An older one" },
    });
    await create("bob", { contact: { name: "Bob" }, assignee: admin.id, message: { text: "Mine" } });
    await create("carl", { contact: { name: "Carl" }, assignee: bo.id, priority: "urgent", message: { text: "Bo's" } });
    await create("dee", { contact: { name: "Dee" }, message: { text: "Done" } });
    await server.api("PATCH", `/v1/conversations/${ids.dee}`, { status: "closed" });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    errors = watchErrors(page);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    if (publicDir) fs.rmSync(publicDir, { recursive: true, force: true });
  });

  it("signs in with a session cookie that is HttpOnly and SameSite=Lax", async () => {
    await page.goto(`${server.url}/inbox`);
    await page.getByLabel("Email").fill("admin@localhost");
    await page.getByLabel("Password").fill(server.adminPassword);
    const answer = page.waitForResponse((r) => r.request().method() === "POST" && r.status() === 200);
    await page.getByRole("button", { name: "Sign in" }).click();
    const cookie = (await (await answer).allHeaders())["set-cookie"] ?? "";
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    await page.getByText("Live", { exact: true }).waitFor();
    const [session] = (await page.context().cookies()).filter((c) => c.httpOnly);
    expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax" });
    expect(await page.evaluate(() => document.cookie)).toBe("");
  });

  it("filters by status, mine, unassigned, queue and tag", async () => {
    await poll(names).toEqual(["Carl", "Bob", "Alice"]); // open ones by default
    await filters().getByRole("button", { name: "Mine" }).click();
    await poll(names).toEqual(["Bob"]);
    await filters().getByRole("button", { name: "Unassigned" }).click();
    await poll(names).toEqual(["Alice"]);
    await filters().getByRole("button", { name: "All", exact: true }).click();
    const status = filters().getByRole("combobox", { name: "Status" });
    await status.selectOption("waiting");
    await poll(names).toEqual(["Alice"]);
    await status.selectOption("closed");
    await poll(names).toEqual(["Dee"]);
    await status.selectOption("all");
    await poll(names).toEqual(["Dee", "Carl", "Bob", "Alice", "Alice"]);
    const queue = filters().getByRole("searchbox", { name: "Queue" });
    await queue.fill("billing");
    await queue.press("Enter");
    await poll(() =>
      page
        .locator("[data-conversation-id]")
        .evaluateAll((els) => els.map((el) => el.getAttribute("data-conversation-id"))),
    ).toEqual([ids.alice]);
    await queue.fill("");
    await queue.press("Enter");
    const tag = filters().getByRole("searchbox", { name: "Tag" });
    await tag.fill("vip");
    await tag.press("Enter");
    await poll(() =>
      page
        .locator("[data-conversation-id]")
        .evaluateAll((els) => els.map((el) => el.getAttribute("data-conversation-id"))),
    ).toEqual([ids.alice]);
    await tag.fill("");
    await tag.press("Enter");
    await status.selectOption("open");
    // A conversation assigned to me elsewhere appears in "Mine" live.
    await filters().getByRole("button", { name: "Mine" }).click();
    await poll(names).toEqual(["Bob"]);
    const me = (await server.api("GET", "/v1/agents")).body.items.find(
      (a: { email: string }) => a.email === "admin@localhost",
    );
    await server.api("PATCH", `/v1/conversations/${ids.carl}`, { assignee: me.id });
    await poll(names).toEqual(["Carl", "Bob"]);
    await filters().getByRole("button", { name: "All", exact: true }).click();
  });

  it("sets status, priority, assignee and tags, and shows the contact with its other conversations", async () => {
    await page.locator(`[data-conversation-id="${ids.alice}"]`).click();
    const details = page.getByRole("region", { name: "Details" });
    await details.waitFor();
    const get = async () => (await server.api("GET", `/v1/conversations/${ids.alice}`)).body;
    await details.getByRole("combobox", { name: "Priority" }).selectOption("high");
    await poll(async () => (await get()).priority).toBe("high");
    await details.getByRole("combobox", { name: "Status" }).selectOption("waiting");
    await poll(async () => (await get()).status).toBe("waiting");
    await details.getByRole("combobox", { name: "Assignee" }).selectOption({ label: "Bo" });
    await poll(async () => (await get()).assignee).not.toBeNull();
    await details.getByRole("textbox", { name: "Add a tag" }).fill("refund");
    await details.getByRole("textbox", { name: "Add a tag" }).press("Enter");
    await poll(async () => (await get()).tags).toEqual(["refund", "vip"]);
    await details.getByRole("button", { name: "Remove tag vip" }).click();
    await poll(async () => (await get()).tags).toEqual(["refund"]);

    const contact = page.getByRole("region", { name: "Contact" });
    await contact.getByText("alice@example.com").waitFor();
    const others = contact.getByRole("list", { name: "Other conversations" });
    await others.getByRole("link", { name: "Earlier question" }).click();
    await poll(() => page.url()).toContain(ids.aliceOld);
    await page.getByRole("heading", { name: "Alice" }).waitFor();
    await contact.getByRole("link", { name: "Billing question" }).waitFor();
  });

  it("passes axe-core with the list alone on a narrow screen and with a conversation on a wide one", async () => {
    expect(await axeViolations(page)).toEqual([]);
    await page.goto(`${server.url}/inbox`);
    await page.setViewportSize({ width: 390, height: 800 });
    await page.getByRole("navigation", { name: "Conversations" }).waitFor();
    await page.getByText("Live", { exact: true }).waitFor();
    expect(await page.getByRole("main").count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: "test-results/inbox-narrow-list.png" });
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(errors.filter((e) => !/401/.test(e))).toEqual([]); // the first visit asks for a session and hears 401
  });

  it("serves a demo page at / that passes axe-core", async () => {
    const demo = await (await browser.newContext()).newPage();
    await demo.goto(server.url);
    await demo.getByRole("button", { name: "Open chat" }).waitFor();
    expect(await axeViolations(demo)).toEqual([]);
    await demo.context().close();
  });
});
