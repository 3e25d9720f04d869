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
  {
    // Trusted Types (docs/widget.md): the widget runs on pages that enforce them with no policy
    // allowed, so it may use no DOM XSS sink at all — not even behind a policy of its own.
    files: ["widget/**"],
    rules: {
      "no-eval": "error",
      "no-implied-eval": "error",
      "no-new-func": "error",
      "no-restricted-properties": [
        "error",
        ...["innerHTML", "outerHTML", "insertAdjacentHTML", "srcdoc", "setHTMLUnsafe", "createContextualFragment"].map(
          (property) => ({
            property,
            message: "A DOM XSS sink: build nodes (createElement/createElementNS) or render with Preact",
          }),
        ),
        { object: "document", property: "write", message: "A DOM XSS sink" },
        { object: "document", property: "writeln", message: "A DOM XSS sink" },
        { property: "parseFromString", message: "DOMParser on strings is a DOM XSS sink" },
        {
          object: "JSON",
          property: "stringify",
          message: "toJson (widget/session/json.ts): a page may have put toJSON on Array.prototype",
        },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
          message: "A DOM XSS sink: render the content as text",
        },
        {
          selector: "AssignmentExpression[left.property.name=/^(src|href)$/][right.type!='Literal']",
          message: "A script/frame URL from a string is a Trusted Types sink: import() the module instead",
        },
        {
          selector: "CallExpression[callee.property.name='setAttribute'][arguments.0.value=/^(src|srcdoc|on.*)$/i]",
          message: "A Trusted Types sink: no script URLs or handlers from strings",
        },
      ],
    },
  },
  {
    files: ["widget/session/json.ts", "widget/**/*.test.{ts,tsx}"],
    rules: { "no-restricted-properties": "off" },
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
