import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { Router } from "express";
import type { Config } from "../config.ts";
import type { Ctx } from "../domain/context.ts";
import type { EventLog } from "../events/log-consumers.ts";
import { webhookRoutes } from "../http/routes/webhooks.ts";
import { Dispatcher } from "./dispatcher.ts";
import { fanOut } from "./outbox.ts";
import { webhookMetrics } from "./metrics.ts";

export interface Webhooks {
  router: Router;
  dispatcher: Dispatcher;
  /** Starts delivering (after the store is ready). */
  start(): Promise<void>;
  /** Stops delivering; pending deliveries stay in the outbox for the next start. */
  close(): Promise<void>;
}

/**
 * Wires webhooks into a Parley: a consumer of the event log that writes the deliveries, the API
 * routes and the dispatcher that posts them.
 */
export function attachWebhooks(
  ctx: Ctx,
  eventLog: EventLog,
  log: Logger,
  config: Pick<Config, "webhookAllowPrivate" | "webhookTimeoutMs" | "webhookBackoffMs" | "webhookRetryWindowMs">,
  registry?: Registry,
): Webhooks {
  const dispatcher = new Dispatcher({
    db: ctx.db,
    dialect: ctx.dialect,
    log,
    timeoutMs: config.webhookTimeoutMs,
    backoffMs: config.webhookBackoffMs,
    retryWindowMs: config.webhookRetryWindowMs,
    allowPrivate: config.webhookAllowPrivate,
    metrics: registry ? webhookMetrics(registry) : undefined,
  });
  let wrote = false;
  eventLog.consume({
    name: "webhooks",
    from: "start",
    handle: async (events, trx) => {
      wrote = await fanOut(trx, events);
    },
    afterCommit: () => {
      if (wrote) dispatcher.wake();
    },
  });
  return {
    router: webhookRoutes(ctx, { allowPrivate: config.webhookAllowPrivate, wake: () => dispatcher.wake() }),
    dispatcher,
    start: () => dispatcher.start(),
    close: () => dispatcher.stop(),
  };
}
