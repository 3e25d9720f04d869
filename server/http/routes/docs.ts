import { createRequire } from "node:module";
import path from "node:path";
import express, { Router } from "express";
import { openApiDocument } from "../openapi.ts";

const require = createRequire(import.meta.url);
const swaggerDir = path.dirname(require.resolve("swagger-ui-dist/package.json"));

const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley API reference</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="docs/assets/swagger-ui.css">
</head>
<body>
<div id="docs"></div>
<script src="docs/assets/swagger-ui-bundle.js"></script>
<script src="docs/init.js"></script>
</body>
</html>`;

const init = `window.ui = SwaggerUIBundle({ url: new URL("v1/openapi.json", location.href.replace(/docs\\/?(#.*)?$/, "")).href, dom_id: "#docs", deepLinking: true, persistAuthorization: true });`;

/** /v1/openapi.json and /docs, rendered by Swagger UI served from the project itself (no CDN). */
export function docsRoutes(): Router {
  const r = Router();
  let document: unknown;
  r.get("/v1/openapi.json", (_req, res) => {
    document ??= openApiDocument();
    res.json(document);
  });
  r.get(["/docs", "/docs/"], (req, res) => {
    // Relative asset paths need the trailing-slash-free form.
    if (req.path.endsWith("/")) return res.redirect(301, "../docs");
    res.type("html").send(page);
  });
  r.get("/docs/init.js", (_req, res) => res.type("js").send(init));
  r.use("/docs/assets", express.static(swaggerDir, { maxAge: "1d", index: false }));
  return r;
}
