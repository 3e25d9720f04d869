import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type UserConfig } from "vite";

/**
 * The widget and the demo page, in two passes (`npm run build` runs both):
 *
 * 1. `vite build`: the demo page (dist/public/index.html, its script external) and the widget's
 *    Preact app as a content-hashed ES module chunk under assets/. Empties dist/public first.
 * 2. `vite build --mode loader`: widget.js, the classic-script loader (IIFE, not hashed), with
 *    the app chunk's path from pass 1's manifest baked in.
 */
const root = path.dirname(fileURLToPath(import.meta.url));
/** PARLEY_BUILD_DIR builds elsewhere (end-to-end suites build their own copy). */
const outDir = process.env.PARLEY_BUILD_DIR
  ? path.resolve(process.env.PARLEY_BUILD_DIR)
  : path.join(root, "dist", "public");

function appAndDemo(): UserConfig {
  return {
    root: path.join(root, "demo"),
    base: "./",
    publicDir: false,
    oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
    build: {
      outDir,
      emptyOutDir: true,
      manifest: true,
      modulePreload: false,
      target: "es2022",
      rolldownOptions: {
        input: { index: path.join(root, "demo", "index.html"), app: path.join(root, "widget", "app", "main.tsx") },
        preserveEntrySignatures: "exports-only",
        output: { entryFileNames: "assets/[name]-[hash].js", chunkFileNames: "assets/[name]-[hash].js" },
      },
    },
  };
}

function loader(): UserConfig {
  const manifest = JSON.parse(fs.readFileSync(path.join(outDir, ".vite", "manifest.json"), "utf8")) as Record<
    string,
    { file: string }
  >;
  const app = Object.entries(manifest).find(([src]) => src.endsWith("widget/app/main.tsx"))?.[1].file;
  if (!app) throw new Error("build the app first: `vite build` before `vite build --mode loader`");
  return {
    publicDir: false,
    define: { __PARLEY_APP__: JSON.stringify(app) },
    build: {
      outDir,
      emptyOutDir: false,
      target: "es2020",
      copyPublicDir: false,
      lib: {
        entry: path.join(root, "widget", "loader.ts"),
        formats: ["iife"],
        name: "ParleyWidget",
        fileName: () => "widget.js",
      },
    },
  };
}

export default defineConfig(({ mode }) => (mode === "loader" ? loader() : appAndDemo()));
