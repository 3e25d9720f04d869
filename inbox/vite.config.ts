import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const here = fileURLToPath(new URL(".", import.meta.url));

/**
 * The agent inbox: a Preact app built to dist/public/inbox and served at /inbox. Asset URLs are
 * relative, so that a relay served under a path prefix works without configuration.
 */
export default defineConfig({
  root: here,
  base: "./",
  publicDir: false,
  oxc: { jsx: { runtime: "automatic", importSource: "preact" } },
  build: {
    // PARLEY_BUILD_DIR builds the whole front end elsewhere (test suites build their own copy).
    outDir: process.env.PARLEY_BUILD_DIR
      ? `${process.env.PARLEY_BUILD_DIR}/inbox`
      : fileURLToPath(new URL("../dist/public/inbox", import.meta.url)),
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
  },
});
