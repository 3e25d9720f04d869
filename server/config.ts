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
  /** API requests per minute per token or agent (PARLEY_RATE_LIMIT), and the socket limits. */
  limits: { apiPerMinute: number; handshakesPerMinute: number; sendsPer10s: number };
  /** Public base URL for links (defaults to http://localhost:PORT). */
  publicUrl: string;
  /** Largest JSON body accepted. */
  bodyLimit: string;
  /** How long an agent stays online after its last inbox closed (a reload is not a sign-out). */
  presenceGraceMs: number;
  /** How long inbox sockets count without their node's heartbeat: a dead node's agents expire then. */
  presenceTtlMs: number;
  /** How often the retention job looks for expired conversations (PARLEY_RETENTION_INTERVAL_MS). */
  retentionIntervalMs: number;
  /**
   * socket.io heartbeats (docs/protocol.md, "Dead connections"): the relay pings every
   * `pingIntervalMs` and drops a socket whose pong is `pingTimeoutMs` late; clients take both
   * from the handshake and drop a connection that heard no ping for their sum.
   */
  pingIntervalMs: number;
  pingTimeoutMs: number;
  /** Email continuity (CONTRACT §9, docs/email.md). */
  email: EmailConfig;
}

export interface EmailConfig {
  /** Outbound SMTP (`smtp://…`, `smtps://…`); unset: no email is sent. */
  smtpUrl: string | undefined;
  /** The From address. */
  from: string;
  /** Set: an SMTP listener for replies on this port. */
  inboundSmtpPort: number | undefined;
  /** The domain of reply addresses (reply+<token>@domain). */
  domain: string;
  /** Seconds an agent's message stays unseen before it is emailed. */
  delaySeconds: number;
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
    limits: {
      apiPerMinute: rateLimit(env.PARLEY_RATE_LIMIT),
      handshakesPerMinute: rateLimit(env.PARLEY_HANDSHAKE_LIMIT, 600, "PARLEY_HANDSHAKE_LIMIT"),
      sendsPer10s: rateLimit(env.PARLEY_SEND_LIMIT, 20, "PARLEY_SEND_LIMIT"),
    },
    publicUrl: (env.PARLEY_PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/$/, ""),
    bodyLimit: env.PARLEY_BODY_LIMIT ?? "1mb",
    presenceGraceMs: positive(env.PARLEY_PRESENCE_GRACE_MS, 30_000),
    presenceTtlMs: positive(env.PARLEY_PRESENCE_TTL_MS, 45_000),
    retentionIntervalMs: positive(env.PARLEY_RETENTION_INTERVAL_MS, 3_600_000),
    pingIntervalMs: positive(env.PARLEY_PING_INTERVAL_MS, 10_000),
    pingTimeoutMs: positive(env.PARLEY_PING_TIMEOUT_MS, 10_000),
    email: emailConfig(env),
  };
}

/** SMTP_URL, PARLEY_EMAIL_FROM, PARLEY_INBOUND_SMTP_PORT, PARLEY_EMAIL_DOMAIN, PARLEY_EMAIL_DELAY_S. */
function emailConfig(env: NodeJS.ProcessEnv): EmailConfig {
  const smtpUrl = env.SMTP_URL || undefined;
  if (smtpUrl && !/^smtps?:\/\/[^/\s]+/.test(smtpUrl))
    throw new Error(
      `SMTP_URL must be smtp://[user:pass@]host[:port] or smtps://…, got ${smtpUrl.replace(/:[^:@/]*@/, ":***@")}`,
    );
  const domain = (env.PARLEY_EMAIL_DOMAIN || "localhost").toLowerCase();
  if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(domain))
    throw new Error(`PARLEY_EMAIL_DOMAIN must be a domain name, got ${env.PARLEY_EMAIL_DOMAIN}`);
  const from = env.PARLEY_EMAIL_FROM || `Parley <noreply@${domain}>`;
  if (!/@[^@\s>]+>?\s*$/.test(from))
    throw new Error(`PARLEY_EMAIL_FROM must be an address, e.g. "Acme Support <support@example.com>", got ${from}`);
  let inboundSmtpPort: number | undefined;
  if (env.PARLEY_INBOUND_SMTP_PORT) {
    inboundSmtpPort = Number(env.PARLEY_INBOUND_SMTP_PORT);
    if (!Number.isInteger(inboundSmtpPort) || inboundSmtpPort < 0 || inboundSmtpPort > 65535)
      throw new Error(`PARLEY_INBOUND_SMTP_PORT must be a port number, got ${env.PARLEY_INBOUND_SMTP_PORT}`);
  }
  let delaySeconds = 300;
  if (env.PARLEY_EMAIL_DELAY_S) {
    delaySeconds = Number(env.PARLEY_EMAIL_DELAY_S);
    if (!Number.isFinite(delaySeconds) || delaySeconds < 0)
      throw new Error(`PARLEY_EMAIL_DELAY_S must be a number of seconds (0 or more), got ${env.PARLEY_EMAIL_DELAY_S}`);
  }
  return { smtpUrl, from, inboundSmtpPort, domain, delaySeconds };
}

function positive(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return value && Number.isFinite(n) && n > 0 ? n : fallback;
}

/**
 * A limit: PARLEY_RATE_LIMIT (API requests per minute per token, agent or address, default 6000),
 * PARLEY_HANDSHAKE_LIMIT (socket handshakes per minute per address), PARLEY_SEND_LIMIT (messages
 * per 10 s per visitor).
 */
function rateLimit(value: string | undefined, fallback = 6000, name = "PARLEY_RATE_LIMIT"): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number, got ${value}`);
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
