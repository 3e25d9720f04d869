import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { Router } from "express";
import type { Config } from "../config.ts";
import type { Ctx } from "../domain/context.ts";
import type { DomainEvent } from "../events/bus.ts";
import { webhookRoutes } from "../http/routes/webhooks.ts";
import { Dispatcher } from "./dispatcher.ts";
import { outboxHook } from "./outbox.ts";
import { webhookMetrics } from "./metrics.ts";

export interface Webhooks {
  router: Router;
  dispatcher: Dispatcher;
  /** Starts delivering (after the store is ready). */
  start(): Promise<void>;
  /** Stops delivering; pending deliveries stay in the outbox for the next start. */
  close(): Promise<void>;
}

/** Wires webhooks into a Parley: the outbox hook on the write path, the API routes and the dispatcher. */
export function attachWebhooks(
  ctx: Ctx,
  log: Logger,
  config: Pick<Config, "webhookAllowPrivate" | "webhookTimeoutMs" | "webhookBackoffMs" | "webhookRetryWindowMs">,
  registry?: Registry,
): Webhooks {
  const enqueued = new WeakSet<DomainEvent>();
  ctx.bus.addTransactionHook(outboxHook(ctx.now, enqueued));
  const dispatcher = new Dispatcher({
    db: ctx.db,
    dialect: ctx.dialect,
    bus: ctx.bus,
    log,
    enqueued,
    timeoutMs: config.webhookTimeoutMs,
    backoffMs: config.webhookBackoffMs,
    retryWindowMs: config.webhookRetryWindowMs,
    allowPrivate: config.webhookAllowPrivate,
    metrics: registry ? webhookMetrics(registry) : undefined,
  });
  return {
    router: webhookRoutes(ctx, { allowPrivate: config.webhookAllowPrivate, wake: () => dispatcher.wake() }),
    dispatcher,
    start: () => dispatcher.start(),
    close: () => dispatcher.stop(),
  };
}
