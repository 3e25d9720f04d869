/** Everything Parley reads from the environment, in one place (CONTRACT §1). */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string;
  redisUrl: string | undefined;
  apiToken: string | undefined;
  adminPassword: string | undefined;
  siteKey: string | undefined;
  allowedOrigins: string[] | undefined;
  webhookAllowPrivate: boolean;
  /** Webhook delivery tuning: request timeout, first retry delay, how long retries go on. */
  webhookTimeoutMs: number;
  webhookBackoffMs: number;
  webhookRetryWindowMs: number;
  /** How long the event log keeps events (PARLEY_EVENT_RETENTION_DAYS); never less than a report period. */
  eventRetentionDays: number;
  logLevel: string;
  /** API requests per minute per token or agent. */
  rateLimitPerMinute: number;
  /** Public base URL for links (defaults to http://localhost:PORT). */
  publicUrl: string;
  /** Largest JSON body accepted. */
  bodyLimit: string;
  /** How long an agent stays online after its last inbox closed (a reload is not a sign-out). */
  presenceGraceMs: number;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, got ${env.PORT}`);
  const origins = env.PARLEY_ALLOWED_ORIGINS?.split(",")
    .map((s) => s.trim().replace(/\/$/, ""))
    .filter(Boolean);
  return {
    port,
    host: env.HOST ?? "0.0.0.0",
    databaseUrl: env.DATABASE_URL || "sqlite:./data/parley.sqlite",
    redisUrl: env.REDIS_URL || undefined,
    apiToken: env.PARLEY_API_TOKEN || undefined,
    adminPassword: env.PARLEY_ADMIN_PASSWORD || undefined,
    siteKey: env.PARLEY_SITE_KEY || undefined,
    allowedOrigins: origins && origins.length ? origins : undefined,
    webhookAllowPrivate:
      !!env.PARLEY_WEBHOOK_ALLOW_PRIVATE &&
      env.PARLEY_WEBHOOK_ALLOW_PRIVATE !== "0" &&
      env.PARLEY_WEBHOOK_ALLOW_PRIVATE !== "false",
    webhookTimeoutMs: positive(env.PARLEY_WEBHOOK_TIMEOUT_MS, 10_000),
    webhookBackoffMs: positive(env.PARLEY_WEBHOOK_BACKOFF_MS, 10_000),
    webhookRetryWindowMs: positive(env.PARLEY_WEBHOOK_RETRY_WINDOW_MS, 24 * 3600_000),
    eventRetentionDays: retentionDays(env.PARLEY_EVENT_RETENTION_DAYS),
    logLevel: env.LOG_LEVEL ?? "info",
    rateLimitPerMinute: rateLimit(env.PARLEY_RATE_LIMIT),
    publicUrl: (env.PARLEY_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, ""),
    bodyLimit: env.PARLEY_BODY_LIMIT ?? "1mb",
    presenceGraceMs: positive(env.PARLEY_PRESENCE_GRACE_MS, 30_000),
  };
}

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value && Number.isFinite(n) && n > 0 ? n : fallback;
}

/** PARLEY_RATE_LIMIT: API requests per minute per token, agent or address (default 6000). */
function rateLimit(value: string | undefined): number {
  if (value === undefined || value === "") return 6000;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`PARLEY_RATE_LIMIT must be a whole number of requests per minute, got ${value}`);
  return n;
}

/** The longest report period (a year, leap day included): the event log must keep at least this much. */
export const longestReportPeriodDays = 366;

/** PARLEY_EVENT_RETENTION_DAYS: whole days the event log keeps events (default 400, at least 366). */
function retentionDays(value: string | undefined): number {
  if (value === undefined || value === "") return 400;
  const n = Number(value);
  if (!Number.isInteger(n) || n < longestReportPeriodDays)
    throw new Error(
      `PARLEY_EVENT_RETENTION_DAYS must be a whole number of days, at least ${longestReportPeriodDays} (the longest report period), got ${value}`,
    );
  return n;
}
