import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import express, { type Express, type RequestHandler } from "express";
import type { Logger } from "pino";
import type { Ctx } from "../domain/context.ts";
import type { Metrics } from "../observability/metrics.ts";
import { authenticate, type SessionResolver } from "./auth.ts";
import { errorHandler, notFoundHandler, requireJson, requireWellFormedQuery } from "./errors.ts";
import { apiRateLimit, type Limiters } from "./rate-limit.ts";
import { conversationRoutes } from "./routes/conversations.ts";
import { adminRoutes } from "./routes/admin.ts";
import { cannedResponseRoutes } from "./routes/canned-responses.ts";
import { noteRoutes } from "./routes/notes.ts";
import { searchRoutes } from "./routes/search.ts";
import { reportRoutes } from "./routes/reports.ts";
import { docsRoutes } from "./routes/docs.ts";
import { healthRoutes, type Readiness } from "./routes/health.ts";
import { securityHeaders } from "./security-headers.ts";
import type { Router } from "express";

export interface AppDeps {
  ctx: Ctx;
  log: Logger;
  metrics: Metrics;
  limiters: Limiters;
  readiness: Readiness;
  bodyLimit: string;
  draining: () => boolean;
  /** Built front-end files (widget, demo page, inbox). */
  publicDir: string;
  /** Feature routers mounted before the API's 404 (webhooks, files, inbox sessions, widget config…). */
  extraRouters?: Router[];
  sessions?: { resolve?: SessionResolver };
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", "loopback, linklocal, uniquelocal");
  app.set("query parser", "simple");

  app.use(requestContext(deps.log, deps.metrics));
  app.use(securityHeaders());
  app.use(healthRoutes(deps.readiness, deps.metrics, deps.draining));
  app.use(docsRoutes());

  const api = express.Router();
  api.use(cors);
  api.use(requireWellFormedQuery);
  api.use(requireJson);
  api.use(express.json({ limit: deps.bodyLimit, strict: true, type: ["application/json", "application/*+json"] }));
  api.use(authenticate(deps.ctx, deps.limiters, deps.sessions ?? {}));
  api.use(apiRateLimit(deps.limiters));
  for (const router of deps.extraRouters ?? []) api.use(router);
  api.use(conversationRoutes(deps.ctx));
  api.use(noteRoutes(deps.ctx));
  api.use(adminRoutes(deps.ctx));
  api.use(cannedResponseRoutes(deps.ctx));
  api.use(searchRoutes(deps.ctx));
  api.use(reportRoutes(deps.ctx));
  // Paths in the routers read as in the contract (/v1/…); only /v1 requests pass through the API stack.
  app.use((req, res, next) => (req.path.startsWith("/v1/") ? api(req, res, next) : next()));

  app.use(staticFiles(deps.publicDir));
  app.use(notFoundHandler);
  app.use(errorHandler(deps.log));
  return app;
}

const cors: RequestHandler = (req, res, next) => {
  res.setHeader("Access-Control-Allow-Origin", "*");
  res.setHeader("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Parley-Site");
  res.setHeader("Access-Control-Allow-Methods", "GET, POST, PATCH, PUT, DELETE, OPTIONS");
  res.setHeader("Access-Control-Expose-Headers", "Retry-After");
  res.setHeader("Access-Control-Max-Age", "600");
  if (req.method === "OPTIONS") return void res.status(204).end();
  next();
};

function requestContext(log: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const incoming = req.headers["x-request-id"];
    req.requestId = typeof incoming === "string" && /^[\w.-]{1,100}$/.test(incoming) ? incoming : crypto.randomUUID();
    res.setHeader("X-Request-Id", req.requestId);
    res.on("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (req.route?.path as string | undefined) ?? (res.statusCode === 404 ? "(unmatched)" : "(static)");
      metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, seconds);
      if (log.isLevelEnabled("debug"))
        log.debug(
          {
            requestId: req.requestId,
            method: req.method,
            path: req.path,
            status: res.statusCode,
            ms: Math.round(seconds * 1000),
          },
          "request",
        );
    });
    next();
  };
}

/**
 * The built front end: hashed assets are cached for a year, everything else (widget.js, pages)
 * briefly, so that a new release reaches visitors within minutes.
 */
function staticFiles(dir: string): RequestHandler {
  const serve = express.static(dir, {
    index: "index.html",
    setHeaders(res, file) {
      const hashed =
        /[.-][A-Za-z0-9_-]{8,}\.(js|css|woff2?|svg|png)$/.test(path.basename(file)) &&
        file.includes(`${path.sep}assets${path.sep}`);
      res.setHeader("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "public, max-age=300");
      if (file.endsWith(".js")) res.setHeader("Access-Control-Allow-Origin", "*");
    },
  });
  const placeholder = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Parley</title></head><body><h1>Parley</h1><p>The front end is not built yet: run <code>npm run build</code>.</p><p><a href="/docs">API reference</a></p></body></html>`;
  return (req, res, next) => {
    if (req.method !== "GET" && req.method !== "HEAD") return next();
    // The inbox's reports page is the inbox app at its own address (its relative asset URLs resolve
    // to /inbox/assets/ from /inbox/reports).
    if (req.path === "/inbox/reports") req.url = "/inbox/index.html";
    if (!fs.existsSync(dir)) {
      if (req.path === "/") return void res.type("html").send(placeholder);
      return next();
    }
    serve(req, res, next);
  };
}
