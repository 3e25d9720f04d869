import http from "node:http";
import path from "node:path";
import crypto from "node:crypto";
import { fileURLToPath } from "node:url";
import type { AddressInfo } from "node:net";
import type { Config } from "./config.ts";
import { openStore, type Store } from "./store/db.ts";
import { EventBus } from "./events/bus.ts";
import { EventLog } from "./events/log-consumers.ts";
import { reportsConsumer } from "./reports/projection.ts";
import { isoNow, type Ctx } from "./domain/context.ts";
import { ensureDefaultSite } from "./domain/sites.ts";
import { ensurePinnedToken, createToken, tokenCount } from "./domain/tokens.ts";
import { ensureOwner } from "./domain/agents.ts";
import { createLogger, type Logger } from "./observability/logger.ts";
import { Metrics } from "./observability/metrics.ts";
import { createApp } from "./http/app.ts";
import { scheduleRetention } from "./domain/retention.ts";
import { createLimiters } from "./http/rate-limit.ts";
import { Drain } from "./drain.ts";
import { answerClientErrors } from "./http/client-error.ts";
import { attachWebhooks } from "./webhooks/index.ts";
import { attachEmail, type Email } from "./email/index.ts";
import { attachRealtime, connectRedis } from "./realtime/index.ts";
import { createPresence } from "./realtime/presence.ts";
import { widgetConfigRoutes } from "./http/routes/widget-config.ts";
import { inboxSessionRoutes, sessionResolver } from "./http/routes/inbox-session.ts";
import { fileRoutes } from "./http/routes/files.ts";
import { demoRoutes } from "./http/routes/demo.ts";

export const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** What a first start created and must be shown once. */
export interface BootInfo {
  siteKey: string;
  siteId: string;
  apiToken?: string;
  ownerPassword?: string;
}

export interface Parley {
  url: string;
  port: number;
  ctx: Ctx;
  store: Store;
  /** The durable event log: more consumers (reports, email, assignment) attach with `consume`. */
  eventLog: EventLog;
  /** Email continuity: the inbound SMTP port when PARLEY_INBOUND_SMTP_PORT is set. */
  email: Email;
  log: Logger;
  boot: BootInfo;
  /** The retention job (docs/privacy.md): `runOnce` runs a pass now, as the hourly timer
   * does; `close` stops the timer once a running pass ends. */
  retention: { runOnce(): Promise<number | null>; close(): Promise<void> };
  /** Stop accepting, finish in-flight writes, close sockets and the database. */
  close(): Promise<void>;
}

/** config → store → domain → http + realtime → listen. */
export interface StartOptions {
  publicDir?: string;
  logger?: Logger;
  /** The clock of every stored timestamp (ISO 8601); tests move it to write history in the past. */
  now?: () => string;
}

export async function startParley(config: Config, opts: StartOptions = {}): Promise<Parley> {
  const log = opts.logger ?? createLogger(config.logLevel);
  const now = opts.now ?? isoNow;
  const store = await openStore(config.databaseUrl);
  const bus = new EventBus();
  const ctx: Ctx = { db: store.db, dialect: store.dialect, bus, now, publicUrl: config.publicUrl };
  const metrics = new Metrics(bus);
  const drain = new Drain();
  const eventLog = new EventLog({
    db: store.db,
    dialect: store.dialect,
    bus,
    log,
    now,
    retentionDays: config.eventRetentionDays,
  });
  const webhooks = attachWebhooks(ctx, eventLog, log, config, metrics.registry);
  const email = attachEmail(ctx, eventLog, log, config.email, metrics.registry);
  eventLog.consume(reportsConsumer);

  // Nodes starting at once on an empty database create one default site, one owner, one token.
  const boot = await store.exclusive(() => bootstrap(ctx, config));
  const redis = config.redisUrl ? await connectRedis(config.redisUrl, log) : null;
  const limiters = createLimiters(config.limits, redis?.pub);
  // One per process: which agents have an inbox connected, shared through Redis when configured.
  const presence = createPresence(redis, { graceMs: config.presenceGraceMs, ttlMs: config.presenceTtlMs });
  ctx.presence = presence;

  const app = createApp({
    ctx,
    log,
    metrics,
    limiters,
    readiness: { database: store.ping, ...(redis ? { redis: redis.ping } : {}) },
    bodyLimit: config.bodyLimit,
    draining: () => drain.draining,
    publicDir: opts.publicDir ?? path.join(rootDir, "dist", "public"),
    sessions: { resolve: sessionResolver(ctx) },
    extraRouters: [
      widgetConfigRoutes(ctx),
      inboxSessionRoutes(ctx, limiters),
      fileRoutes(ctx, limiters),
      webhooks.router,
      email.router,
      demoRoutes(boot.siteKey),
    ],
  });
  const server = http.createServer(app);
  answerClientErrors(server, log);
  drain.track(server);
  const realtime = await attachRealtime(server, { ctx, log, metrics, config, limiters, redis, presence });
  drain.onClose(realtime.close);
  drain.onClose(async () => presence.close());
  if (redis) drain.onClose(redis.close);

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${config.host === "0.0.0.0" || config.host === "::" ? "localhost" : config.host}:${port}`;
  ctx.publicUrl = process.env.PARLEY_PUBLIC_URL ? config.publicUrl : url;
  await eventLog.start();
  drain.onClose(() => eventLog.stop());
  await webhooks.start();
  drain.onClose(webhooks.close);
  await email.start(config.host);
  drain.onClose(email.close);
  const retention = scheduleRetention(ctx, log, config.retentionIntervalMs);
  drain.onClose(retention.close);

  return {
    url,
    port,
    ctx,
    store,
    eventLog,
    email,
    log,
    boot,
    retention,
    close: async () => {
      await drain.close(server, 10_000);
      await store.close();
    },
  };
}

async function bootstrap(ctx: Ctx, config: Config): Promise<BootInfo> {
  const site = await ensureDefaultSite(ctx, { siteKey: config.siteKey, allowedOrigins: config.allowedOrigins });
  const boot: BootInfo = { siteKey: site.site_key, siteId: site.id };
  if (config.apiToken) await ensurePinnedToken(ctx, config.apiToken);
  if ((await tokenCount(ctx)) === 0)
    boot.apiToken = (await createToken(ctx, { kind: "system" }, { name: "admin" })).secret;
  const owner = await ensureOwner(ctx, config.adminPassword, () => crypto.randomBytes(12).toString("base64url"));
  if (owner.created && !config.adminPassword) boot.ownerPassword = owner.password;
  return boot;
}
