import http from "node:http";
import https from "node:https";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Database } from "../store/tables.ts";
import type { Dialect } from "../store/db.ts";
import { retryDelayMs } from "./backoff.ts";
import {
  deliveryBody,
  lease,
  markAttemptFailed,
  markDelivered,
  nextDueAt,
  prune,
  release,
  releaseStaleLeases,
  type Job,
} from "./outbox.ts";
import { postWebhook } from "./post-webhook.ts";
import { signatureHeader } from "./sign-webhook.ts";
import type { WebhookMetrics } from "./metrics.ts";
import { Sleeper } from "../events/sleeper.ts";

export interface DispatcherOptions {
  db: Kysely<Database>;
  dialect: Dialect;
  log: Logger;
  timeoutMs: number;
  backoffMs: number;
  retryWindowMs: number;
  allowPrivate: boolean;
  /** Deliveries in flight at once. */
  concurrency?: number;
  /** How often to look for work committed by other nodes (or left by a restart). */
  pollMs?: number;
  /** Finished deliveries are kept this long for the deliveries listing. */
  retentionMs?: number;
  metrics?: WebhookMetrics;
}

/**
 * Posts due outbox rows. Woken when the webhook consumer of the event log commits deliveries, when a
 * delivery finishes (the next one of its conversation may now go) and when a retry falls due;
 * a modest poll covers other nodes' commits.
 */
export class Dispatcher {
  private stopping = false;
  private wakeRequested = false;
  private readonly sleeper = new Sleeper();
  private loop: Promise<void> | null = null;
  private inflight = new Map<Job, { done: Promise<void>; abort: AbortController }>();
  private lastPrune = 0;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 64 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 64 }),
  };

  constructor(private readonly o: DispatcherOptions) {
    this.concurrency = o.concurrency ?? 32;
    this.pollMs = o.pollMs ?? 2000;
    // Longer than any attempt can take (the timeout covers the whole exchange), with room for the database.
    this.leaseMs = o.timeoutMs + 5000;
  }

  async start(): Promise<void> {
    if (this.o.dialect === "sqlite") await releaseStaleLeases(this.o.db);
    this.loop = this.run();
  }

  wake(): void {
    this.wakeRequested = true;
    this.sleeper.wake();
  }

  /** Stops leasing, lets in-flight deliveries finish for a moment, then gives the rest back. */
  async stop(graceMs = 3000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.wake();
    await this.loop;
    const all = () => Promise.allSettled([...this.inflight.values()].map((f) => f.done));
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([all(), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    for (const f of this.inflight.values()) f.abort.abort();
    await all();
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      this.wakeRequested = false;
      let wait = this.pollMs;
      try {
        // Let commits that arrive together share one lease.
        await new Promise((resolve) => setImmediate(resolve));
        const free = this.concurrency - this.inflight.size;
        if (free > 0) {
          const jobs = await lease(this.o.db, this.o.dialect, free, this.leaseMs);
          for (const job of jobs) this.send(job);
          if (jobs.length === free) continue;
          // Sleep until the next retry or lease expiry falls due (completions and commits wake us sooner).
          const next = await nextDueAt(this.o.db);
          if (next) wait = Math.min(this.pollMs, Math.max(Date.parse(next) - Date.now(), 10));
        }
        await this.maybePrune();
      } catch (err) {
        if (this.stopping) break;
        this.o.log.error({ err }, "webhook dispatcher: database error");
      }
      if (!this.wakeRequested && !this.stopping && wait > 0) await this.sleeper.sleep(wait);
    }
  }

  private send(job: Job): void {
    const abort = new AbortController();
    const done = this.attempt(job, abort.signal)
      .catch((err) =>
        this.o.log.error({ err, delivery: job.deliveryId }, "webhook dispatcher: could not record an attempt"),
      )
      .finally(() => {
        this.inflight.delete(job);
        this.wake();
      });
    this.inflight.set(job, { done, abort });
  }

  private async attempt(job: Job, signal: AbortSignal): Promise<void> {
    const body = deliveryBody(job);
    const headers = {
      "user-agent": "Parley-Webhooks/1",
      "parley-signature": signatureHeader(job.secret, body, Math.floor(Date.now() / 1000)),
      "parley-event-id": job.eventId,
      "parley-event-type": job.eventType,
    };
    const outcome = await postWebhook(job.url, body, headers, {
      timeoutMs: this.o.timeoutMs,
      allowPrivate: this.o.allowPrivate,
      signal,
      agents: this.agents,
    });
    const at = new Date().toISOString();
    if (outcome.aborted) return release(this.o.db, job);
    if (outcome.status !== null && outcome.status >= 200 && outcome.status < 300) {
      await markDelivered(this.o.db, job, outcome, at);
      this.o.metrics?.attempts.inc({ result: "delivered" });
      this.o.metrics?.lag.observe(Math.max(0, Date.parse(at) - Date.parse(job.eventCreatedAt)) / 1000);
      return;
    }
    const result = await markAttemptFailed(this.o.db, job, outcome, at, {
      retryInMs: retryDelayMs(job.attempts + 1, this.o.backoffMs),
      retryWindowMs: this.o.retryWindowMs,
    });
    this.o.metrics?.attempts.inc({ result });
    const entry = {
      delivery: job.deliveryId,
      event: job.eventId,
      status: outcome.status,
      error: outcome.error,
      attempt: job.attempts + 1,
    };
    if (result === "failed") this.o.log.warn(entry, "webhook delivery failed: retries ran out");
    else this.o.log.info(entry, "webhook attempt failed; will retry");
  }

  private async maybePrune(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPrune < 3600_000) return;
    this.lastPrune = now;
    await prune(this.o.db, new Date(now - (this.o.retentionMs ?? 7 * 24 * 3600_000)).toISOString());
  }
}
