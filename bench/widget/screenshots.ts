/**
 * Screenshots of the widget on the demo page for a visual check: closed launcher, open panel
 * light and dark, and a 375 px phone. `tsx bench/widget/screenshots.ts [out-dir]`.
 */
import os from "node:os";
import path from "node:path";
import fs from "node:fs";
import type { Page } from "playwright-core";
import { launchChromium } from "../../test/helpers/chromium.ts";
import { startTestServer } from "../../test/helpers/server.ts";

const out = process.argv[2] ?? path.join(os.tmpdir(), "parley-widget-shots");
fs.mkdirSync(out, { recursive: true });
const server = await startTestServer();
const browser = await launchChromium();

async function conversation(page: Page) {
  await page.getByRole("button", { name: "Open chat" }).click();
  const box = page.getByRole("textbox", { name: "Message" });
  await box.fill("Hi! Where is my order #1042?");
  await box.press("Enter");
  await page.locator('parley-widget [data-sender="contact"][data-state="sent"]').waitFor();
  const id = (await server.api("GET", "/v1/conversations?limit=1")).body.items[0].id;
  await server.api("POST", `/v1/conversations/${id}/messages`, {
    text: "Hello! It left our warehouse today: https://example.com/track/1042",
    sender: { type: "agent", name: "Maja" },
  });
  await server.api("POST", `/v1/conversations/${id}/messages`, {
    type: "quick_replies",
    content: {
      text: "Anything else?",
      options: [
        { title: "No, thanks", payload: "no" },
        { title: "Change address", payload: "address" },
      ],
    },
    sender: { type: "bot", name: "Helper" },
  });
  await server.api("POST", `/v1/conversations/${id}/typing`, { typing: true });
  await page.locator('parley-widget [data-sender="bot"]').waitFor();
  await page.locator("parley-widget .typing .dots").waitFor();
}

try {
  for (const [name, viewport, scheme] of [
    ["desktop-light", { width: 1200, height: 800 }, "light"],
    ["desktop-dark", { width: 1200, height: 800 }, "dark"],
    ["phone-375", { width: 375, height: 740 }, "light"],
  ] as const) {
    const context = await browser.newContext({ viewport, colorScheme: scheme });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.getByRole("button", { name: "Open chat" }).waitFor();
    if (scheme === "dark")
      await page.evaluate(() => (window as any).Parley("update", { theme: { colorScheme: "auto" } }));
    if (name === "desktop-light") await page.screenshot({ path: path.join(out, "closed.png") });
    await conversation(page);
    await page.screenshot({ path: path.join(out, `${name}.png`) });
    await context.close();
  }
  console.log(`screenshots in ${out}`);
} finally {
  await browser.close();
  await server.close();
}
