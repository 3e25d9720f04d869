import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import type { Socket } from "socket.io-client";
import { services } from "../helpers/services.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { signedIn } from "../helpers/agents.ts";
import { ensureBuilt, launchChromium } from "./widget-harness.ts";
import { inboxOnline, visitorStarts } from "../integration/assignment-helpers.ts";

const shots = process.env.PARLEY_SCREENSHOTS ?? path.join(os.tmpdir(), "parley-routing");
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });

/**
 * CONTRACT §8 in Chromium: on a round-robin site the inbox says why a conversation waits
 * ("nobody online in billing"), in the list and the details panel, and the reason goes away
 * live when an agent who takes billing comes online and is given the conversation.
 */
describe.skipIf(!services.chromium)("inbox: why a conversation is unassigned", () => {
  let server: TestServer;
  let browser: Browser;
  let inbox: Page;
  let bea: Socket | undefined;

  beforeAll(async () => {
    ensureBuilt();
    server = await startTestServer({ env: { PARLEY_PRESENCE_GRACE_MS: "500" } });
    browser = await launchChromium();
    inbox = await (await browser.newContext({ viewport: { width: 1200, height: 800 } })).newPage();
    fs.mkdirSync(shots, { recursive: true });
  });
  afterAll(async () => {
    bea?.disconnect();
    await browser?.close();
    await server?.close();
  });

  it("shows the reason while nobody in the queue is online, and the assignee once one is", async () => {
    const siteId = server.parley.boot.siteId;
    await server.api("PATCH", `/v1/sites/${siteId}`, { assignment: { mode: "round_robin", maxOpen: 3 } });
    const owner = (await server.api("GET", "/v1/agents")).body.items[0];
    await server.api("PATCH", `/v1/agents/${owner.id}`, { queues: ["sales"] });
    const created = await server.api("POST", "/v1/agents", {
      name: "Bea Billing",
      email: "bea@example.com",
      password: "bea-password-1",
      role: "agent",
    });
    await server.api("PATCH", `/v1/agents/${created.body.id}`, { queues: ["billing"] });
    const waiting = await visitorStarts(server, siteId, "Ada", "billing");
    expect(waiting.assignee).toBeNull();

    await inbox.goto(`${server.url}/inbox`);
    await inbox.getByLabel("Email").fill("admin@localhost");
    await inbox.getByLabel("Password").fill(server.adminPassword);
    await inbox.getByRole("button", { name: "Sign in" }).click();
    await inbox.getByText("Live", { exact: true }).waitFor();
    const row = inbox.locator(`[data-conversation-id="${waiting.id}"]`);
    await row.getByText("nobody online in billing").waitFor();
    await row.click();
    await inbox.getByRole("status").filter({ hasText: "Unassigned: nobody online in billing" }).waitFor();
    await inbox.screenshot({ path: path.join(shots, "inbox-unassigned-reason.png") });

    bea = await inboxOnline(server, await signedIn(server, "bea@example.com", "bea-password-1"), created.body.id);
    await row.getByText("Bea Billing").waitFor();
    await poll(() => row.getByText("nobody online in billing").count()).toBe(0);
    await poll(() => inbox.getByText("Unassigned: nobody online in billing").count()).toBe(0);
    await inbox.screenshot({ path: path.join(shots, "inbox-assigned.png") });
  });
});
