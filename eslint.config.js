// Lint: typescript-eslint's recommended rules, and the layer boundaries of DESIGN.md, so that
// an import across a boundary fails `npm test` instead of waiting for a review to notice it.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** An import-boundary rule: files of a layer may not import what `patterns` name. */
const boundary = (files, patterns) => ({
  files,
  rules: { "no-restricted-imports": ["error", { patterns }] },
});
const layer = (regex, message) => ({ regex, message });

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", "data/", "test-results/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: "module" },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    // Tests poke at untyped payloads, and migrations run against a schema that changes under them.
    files: ["test/**", "bench/**", "**/*.test.{ts,tsx}", "server/store/migrations/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        URL: "readonly",
        Buffer: "readonly",
        setTimeout: "readonly",
        fetch: "readonly",
      },
    },
  },
  boundary(
    ["server/domain/**"],
    [
      layer("(^|/)(http|realtime)/", "The domain knows nothing of HTTP or sockets (DESIGN.md)"),
      layer("^(express|socket\\.io)($|/)", "The domain knows nothing of Express or socket.io"),
    ],
  ),
  boundary(["server/store/**"], [layer("(^|/)(http|realtime|domain)/", "The store knows nothing of HTTP")]),
  boundary(["server/realtime/**"], [layer("(^|/)http/", "Sockets do not reach into the HTTP layer")]),
  boundary(["widget/**"], [layer("(^|/)(server|inbox)/", "The widget ships to visitors: no server or inbox code")]),
  boundary(["inbox/**"], [layer("(^|/)server/", "The inbox is a browser app: no server code")]),
  boundary(
    ["shared/**"],
    [layer("^(?!zod($|/)|\\./|\\.\\./(?!\\.\\./)).*", "shared/ depends on zod alone (and itself)")],
  ),
);
