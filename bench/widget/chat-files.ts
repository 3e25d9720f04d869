/**
 * What a visitor's browser fetches from the production build (shared by the size test and
 * `npm run bench:widget`), read from the build's manifest: widget.js (which paints the
 * launcher), then the boot chunk (page API, open state) with every chunk it imports statically,
 * then the app chunk likewise.
 */
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

type Manifest = Record<string, { file: string; imports?: string[] }>;

export const gzipBytes = (dir: string, file: string): number =>
  zlib.gzipSync(fs.readFileSync(path.join(dir, file)), { level: 9 }).length;

function manifest(dir: string): Manifest {
  return JSON.parse(fs.readFileSync(path.join(dir, ".vite", "manifest.json"), "utf8")) as Manifest;
}

/** An entry's file and everything it imports statically, transitively. */
function closure(m: Manifest, source: string): string[] {
  const key = Object.keys(m).find((k) => k.endsWith(source));
  if (!key) throw new Error(`${source} is not in the build's manifest`);
  const seen = new Set<string>();
  const visit = (k: string) => {
    if (seen.has(m[k]!.file)) return;
    seen.add(m[k]!.file);
    for (const i of m[k]!.imports ?? []) visit(i);
  };
  visit(key);
  return [...seen];
}

/** Up to a painted launcher: widget.js alone (CONTRACT §2). */
export function launcherFiles(): string[] {
  return ["widget.js"];
}

/** Up to a usable open chat: widget.js, the boot chunk, the app chunk and what they import statically. */
export function chatFiles(dir: string): string[] {
  const m = manifest(dir);
  return [...new Set(["widget.js", ...closure(m, "widget/boot.ts"), ...closure(m, "widget/app/main.tsx")])];
}
