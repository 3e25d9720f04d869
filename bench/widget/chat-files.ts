/**
 * What a visitor's browser fetches from the production build (shared by the size test and
 * `npm run bench:widget`), read from the build's manifest: widget.js, then the boot chunk
 * (launcher, page API) with every chunk it imports statically, then the app chunk likewise.
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

/** Up to a painted launcher: widget.js and the boot chunk it imports. */
export function launcherFiles(dir: string): string[] {
  return ["widget.js", ...closure(manifest(dir), "widget/boot.ts")];
}

/** Up to a usable open chat: the launcher's files, the app chunk and what it imports statically. */
export function chatFiles(dir: string): string[] {
  return [...new Set([...launcherFiles(dir), ...closure(manifest(dir), "widget/app/main.tsx")])];
}
