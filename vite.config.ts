import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, type Plugin, type UserConfig } from "vite";

/**
 * The widget and the demo page, in two passes (`npm run build` runs both):
 *
 * 1. `vite build`: the demo page (dist/public/index.html, its script external), the widget's
 *    boot chunk (page API, open state) and its Preact app, content-hashed ES module chunks under
 *    assets/ (the boot chunk imports the app chunk). Empties dist/public first.
 * 2. `vite build --mode loader`: widget.js, the classic script that paints the launcher (IIFE,
 *    not hashed), with the boot chunk's path from pass 1's manifest baked in.
 */
const root = path.dirname(fileURLToPath(import.meta.url));
/** PARLEY_BUILD_DIR builds elsewhere (end-to-end suites build their own copy). */
const outDir = process.env.PARLEY_BUILD_DIR
  ? path.resolve(process.env.PARLEY_BUILD_DIR)
  : path.join(root, "dist", "public");

/**
 * Pages hardened as SES does freeze Object.prototype, and then assigning an inherited name
 * (`X.prototype.valueOf = …`, the "override mistake") throws in strict code: @preact/signals-core
 * does that for valueOf/toString/toJSON. This rewrites such an assignment to define the property
 * first (an own, writable one), which works on every page and means the same everywhere else.
 */
function frozenRealmSafe(): Plugin {
  const assign = /\b([\w$]+)\.prototype\.(valueOf|toString|toJSON|toLocaleString|constructor)=(?!=)/g;
  const helper = `function __parleyOwn(o,k){Object.defineProperty(o,k,{value:void 0,writable:!0,configurable:!0,enumerable:!1});return o}\n`;
  return {
    name: "parley-frozen-realm-safe",
    transform(code, id) {
      if (!/\.(m?js|tsx?)$/.test(id.split("?")[0]!) || !assign.test(code)) return null;
      assign.lastIndex = 0;
      return { code: helper + code.replace(assign, "__parleyOwn($1.prototype,`$2`).$2="), map: null };
    },
  };
}

/**
 * Vite wraps every dynamic import in a helper that preloads the imported chunk's dependencies
 * and CSS (about 0.9 KB gzip in the boot chunk). The widget's chunks have no CSS files (its
 * styles are constructable sheets in JS) and import their dependencies themselves: the helper
 * only calls the import.
 */
function noPreloadHelper(): Plugin {
  const id = "\0vite/preload-helper.js";
  return {
    name: "parley-no-preload-helper",
    enforce: "pre",
    load: {
      filter: { id: new RegExp(`^${id.replace(/[.\\/]/g, "\\$&")}$`) },
      handler: () => "export const __vitePreload = (load) => load();",
    },
  };
}

function appAndDemo(): UserConfig {
  return {
    plugins: [frozenRealmSafe(), noPreloadHelper()],
    root: path.join(root, "demo"),
    base: "./",
    publicDir: false,
    oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
    build: {
      outDir,
      emptyOutDir: true,
      manifest: true,
      modulePreload: false,
      sourcemap: !!process.env.PARLEY_SOURCEMAP,
      target: "es2022",
      rolldownOptions: {
        input: {
          index: path.join(root, "demo", "index.html"),
          boot: path.join(root, "widget", "boot.ts"),
          app: path.join(root, "widget", "app", "main.tsx"),
        },
        preserveEntrySignatures: "allow-extension",
        output: {
          entryFileNames: "assets/[name]-[hash].js",
          chunkFileNames: "assets/[name]-[hash].js",
          // What the boot chunk needs, shared with the app or not, in the one boot chunk.
          codeSplitting: {
            groups: [
              {
                name: "boot",
                test: /widget[\\/](boot|loader[\\/](settings|events)|theme[\\/](vars|contrast))|preload-helper/,
              },
            ],
          },
        },
      },
    },
  };
}

function loader(): UserConfig {
  const manifest = JSON.parse(fs.readFileSync(path.join(outDir, ".vite", "manifest.json"), "utf8")) as Record<
    string,
    { file: string }
  >;
  const boot = Object.entries(manifest).find(([src]) => src.endsWith("widget/boot.ts"))?.[1].file;
  if (!boot) throw new Error("build the app first: `vite build` before `vite build --mode loader`");
  return {
    publicDir: false,
    define: { __PARLEY_BOOT__: JSON.stringify(boot) },
    build: {
      outDir,
      emptyOutDir: false,
      target: "es2020",
      sourcemap: !!process.env.PARLEY_SOURCEMAP,
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
