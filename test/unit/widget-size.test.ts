import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { beforeAll, describe, expect, it } from "vitest";
import { chatFiles, gzipBytes, launcherFiles } from "../../bench/widget/chat-files.ts";

/**
 * Size budgets on the production build (dist/public), as a visitor's browser fetches it
 * (gzip level 9). widget.js, which paints the launcher by itself, is not content-hashed, so
 * every page view revalidates it: at most 3 KB. Everything up to a usable open chat — widget.js, the boot chunk, the app chunk and every
 * chunk they import statically (Preact, signals, the relay socket), styles included (they are in
 * the JS) — at most 30 KB. Cards, uploads, pre-chat, rating and away screens' extras, other
 * languages and long-polling load on first use and are not counted.
 */
const root = path.resolve(import.meta.dirname, "../..");
const dir = path.join(root, "dist", "public");
const KB = 1024;
const total = (files: string[]) => files.reduce((sum, f) => sum + gzipBytes(dir, f), 0);

describe("widget size budgets (production build)", () => {
  beforeAll(() => {
    if (fs.existsSync(path.join(dir, "widget.js"))) return;
    const res = spawnSync("npm", ["run", "--silent", "build"], { cwd: root, stdio: "inherit" });
    if (res.status !== 0) throw new Error("npm run build failed");
  }, 180_000);

  it("widget.js is at most 3 KB gzip and not content-hashed", () => {
    const bytes = gzipBytes(dir, "widget.js");
    console.log(`widget.js: ${bytes} B gzip (budget ${3 * KB})`);
    expect(bytes).toBeLessThanOrEqual(3 * KB);
  });

  it("everything fetched up to a usable open chat is at most 30 KB gzip", () => {
    const files = chatFiles(dir);
    expect(files.some((f) => /^assets\/app-[\w-]+\.js$/.test(f))).toBe(true);
    expect(files.some((f) => /^assets\/boot-[\w-]+\.js$/.test(f))).toBe(true);
    // Long-polling's socket.io-client is not on the way.
    expect(files.some((f) => fs.readFileSync(path.join(dir, f), "utf8").includes("xhr poll error"))).toBe(false);
    const bytes = total(files);
    console.log(`up to an open chat: ${bytes} B gzip in ${files.length} files (budget ${30 * KB})`);
    console.log(`up to a painted launcher: ${total(launcherFiles())} B gzip`);
    expect(bytes).toBeLessThanOrEqual(30 * KB);
  });

  it("widget.js imports the content-hashed boot chunk by an absolute URL from its own src, and the boot chunk imports the app chunk", () => {
    const loader = fs.readFileSync(path.join(dir, "widget.js"), "utf8");
    const boot = /assets\/boot-[\w-]{8,}\.js/.exec(loader)?.[0];
    expect(boot).toBeTruthy();
    expect(fs.readFileSync(path.join(dir, boot!), "utf8")).toMatch(/import\(\s*[`"']\.\/app-[\w-]{8,}\.js/);
    // A classic script: no static import/export statements and no import.meta.
    expect(loader).not.toMatch(/^\s*(import|export)\s/m);
    expect(loader).not.toContain("import.meta");
  });

  it("widget.js paints the launcher itself (CONTRACT §2): the button, its icon and its stylesheet, no markup strings", () => {
    const loader = fs.readFileSync(path.join(dir, "widget.js"), "utf8");
    expect(loader).toContain("createElementNS");
    expect(loader).toMatch(/\.launcher\{/);
    expect(loader).toContain("/v1/widget/config");
    expect(loader).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|DOMParser/);
  });
});
