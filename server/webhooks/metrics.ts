import client, { type Registry } from "prom-client";

/** Prometheus metrics of webhook delivery, on the relay's /metrics. */
export function webhookMetrics(registry: Registry) {
  return {
    attempts: new client.Counter({
      name: "parley_webhook_attempts_total",
      help: "Webhook delivery attempts by outcome: delivered, retry (will be tried again) or failed (retries ran out)",
      labelNames: ["result"] as const,
      registers: [registry],
    }),
    lag: new client.Histogram({
      name: "parley_webhook_delivery_lag_seconds",
      help: "Time from an event to its successful delivery",
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 120, 600, 3600, 86400],
      registers: [registry],
    }),
  };
}

export type WebhookMetrics = ReturnType<typeof webhookMetrics>;
