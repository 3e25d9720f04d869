/**
 * npm run bench:widget — the widget's weight and speed:
 * 1. bytes (raw, gzip, brotli) of every file the widget and demo build emits;
 * 2. milliseconds from a click on the launcher to a focused, usable composer in headless
 *    Chromium, cold cache (a fresh browser context per run), median of several runs.
 */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { launchChromium } from "../../test/helpers/chromium.ts";
import { startTestServer } from "../../test/helpers/server.ts";
import { chatFiles, launcherFiles } from "./chat-files.ts";

const root = path.resolve(import.meta.dirname, "../..");
const dir = path.join(root, "dist", "public");
const runs = Number(process.env.RUNS ?? 7);
const chromiumPath = process.env.PARLEY_TEST_CHROMIUM || "/usr/bin/chromium";

if (!fs.existsSync(path.join(dir, "widget.js"))) {
  console.error("Build first: npm run build");
  process.exit(1);
}

// 1. Bytes.
const files = ["widget.js", "index.html", ...fs.readdirSync(path.join(dir, "assets")).map((f) => `assets/${f}`)];
const rows = files.map((file) => {
  const buf = fs.readFileSync(path.join(dir, file));
  return {
    file,
    raw: buf.length,
    gzip: zlib.gzipSync(buf, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(buf, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
});
const pad = (s: string | number, n: number) => String(s).padStart(n);
console.log(`\n${"file".padEnd(36)}${pad("raw", 10)}${pad("gzip", 10)}${pad("brotli", 10)}`);
for (const r of rows) console.log(`${r.file.padEnd(36)}${pad(r.raw, 10)}${pad(r.gzip, 10)}${pad(r.brotli, 10)}`);
// What a visitor fetches up to a painted launcher, and up to an open chat (bench/widget/chat-files.ts).
const sum = (set: Set<string>, k: "raw" | "gzip" | "brotli") =>
  rows.filter((r) => set.has(r.file)).reduce((n, r) => n + r[k], 0);
for (const [label, set] of [
  ["= up to the launcher", new Set(launcherFiles())],
  ["= up to an open chat (budget 30 KB gz)", new Set(chatFiles(dir))],
] as const)
  console.log(
    `${label.padEnd(36)}${pad(sum(set, "raw"), 10)}${pad(sum(set, "gzip"), 10)}${pad(sum(set, "brotli"), 10)}`,
  );

// 2. Click → usable composer.
const server = await startTestServer();
const browser = await launchChromium(chromiumPath);
const times: number[] = [];
try {
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.getByRole("button", { name: "Open chat" }).waitFor();
    // A string, not a function: the TypeScript runner would wrap named functions in helpers the page lacks.
    const ms: number = await page.evaluate(`new Promise((resolve) => {
      const shadow = document.querySelector("parley-widget").shadowRoot;
      const t0 = performance.now();
      shadow.addEventListener("focusin", (e) => {
        if (e.target.tagName === "TEXTAREA") requestAnimationFrame(() => resolve(performance.now() - t0));
      });
      shadow.querySelector(".launcher").click();
    })`);
    times.push(ms);
    await context.close();
  }
} finally {
  await browser.close();
  await server.close();
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)]!;
console.log(`\n${"measure".padEnd(46)}${pad("median", 10)}${pad("min", 10)}${pad("max", 10)}`);
console.log(
  `${`click → focused composer, cold cache (${runs} runs), ms`.padEnd(46)}${pad(median.toFixed(1), 10)}${pad(times[0]!.toFixed(1), 10)}${pad(times.at(-1)!.toFixed(1), 10)}\n`,
);
