import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * Size budgets on the production build (dist/public), as a visitor's browser fetches it:
 * widget.js alone ≤ 5 KB gzip (every page view pays it), and everything up to a usable open
 * chat — loader, app chunk and every chunk it imports statically (Preact, signals,
 * socket.io-client), styles included (they are in the JS) — ≤ 40 KB gzip.
 */
const root = path.resolve(import.meta.dirname, "../..");
const dir = path.join(root, "dist", "public");
const KB = 1024;

const gzip = (file: string) => zlib.gzipSync(fs.readFileSync(path.join(dir, file)), { level: 9 }).length;

/** The app chunk widget.js imports, and everything that chunk imports statically, transitively. */
export function chatFiles(): string[] {
  const loader = fs.readFileSync(path.join(dir, "widget.js"), "utf8");
  const app = /assets\/app-[\w-]+\.js/.exec(loader)?.[0];
  if (!app) throw new Error("widget.js does not name its app chunk");
  const seen = new Set<string>(["widget.js"]);
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = fs.readFileSync(path.join(dir, file), "utf8");
    for (const m of code.matchAll(/(?:\bimport|\bfrom)\s*["'](\.{1,2}\/[^"']+)["']/g))
      visit(path.posix.join(path.posix.dirname(file), m[1]!));
  };
  visit(app);
  return [...seen];
}

describe("widget size budgets (production build)", () => {
  beforeAll(() => {
    if (fs.existsSync(path.join(dir, "widget.js"))) return;
    const res = spawnSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "inherit" });
    if (res.status !== 0) throw new Error("npm run build failed");
  }, 180_000);

  it("widget.js is at most 5 KB gzip and not content-hashed", () => {
    expect(gzip("widget.js")).toBeLessThanOrEqual(5 * KB);
  });

  it("everything fetched up to a usable open chat is at most 40 KB gzip", () => {
    const files = chatFiles();
    expect(files.some((f) => /^assets\/app-[\w-]+\.js$/.test(f))).toBe(true);
    const total = files.reduce((sum, f) => sum + gzip(f), 0);
    expect(total).toBeLessThanOrEqual(40 * KB);
  });

  it("the app chunk is content-hashed (cached for a year) and widget.js loads it by an absolute URL from its own src", () => {
    const loader = fs.readFileSync(path.join(dir, "widget.js"), "utf8");
    expect(loader).toMatch(/assets\/app-[\w-]{8,}\.js/);
    // A classic script: no static import/export statements and no import.meta.
    expect(loader).not.toMatch(/^\s*(import|export)\s/m);
    expect(loader).not.toContain("import.meta");
  });
});
