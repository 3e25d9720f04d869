/**
 * The one way tests and benchmarks start Chromium: the system's browser (never a download),
 * headless, with the flags that keep it from reaching out to the network on its own.
 */
import { chromium, type Browser } from "playwright-core";
import { services } from "./services.ts";

export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export function launchChromium(executablePath = services.chromium ?? "/usr/bin/chromium"): Promise<Browser> {
  return chromium.launch({ executablePath, args: CHROMIUM_FLAGS });
}
