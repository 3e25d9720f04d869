import client, { type Registry } from "prom-client";

/** Prometheus metrics of email continuity, on the relay's /metrics. */
export function emailMetrics(registry: Registry) {
  return {
    sent: new client.Counter({
      name: "parley_email_sends_total",
      help: "Outbound email attempts by outcome (sent, retry: will be tried again, failed: retries ran out) and kind (unseen, transcript, notification)",
      labelNames: ["result", "kind"] as const,
      registers: [registry],
    }),
    inbound: new client.Counter({
      name: "parley_email_inbound_total",
      help: "Inbound email replies by outcome: stored, refused (unknown or forged token, bad mail)",
      labelNames: ["result"] as const,
      registers: [registry],
    }),
  };
}

export type EmailMetrics = ReturnType<typeof emailMetrics>;
