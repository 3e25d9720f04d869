import client from "prom-client";
import type { EventBus } from "../events/bus.ts";

/** Prometheus metrics: process defaults, HTTP requests and domain events from the bus. */
export class Metrics {
  readonly registry = new client.Registry();
  readonly httpDuration = new client.Histogram({
    name: "parley_http_request_duration_seconds",
    help: "HTTP request duration by route and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly events = new client.Counter({
    name: "parley_events_total",
    help: "Domain events by type",
    labelNames: ["type"] as const,
    registers: [this.registry],
  });
  readonly sockets = new client.Gauge({
    name: "parley_socket_connections",
    help: "Open socket connections by namespace",
    labelNames: ["namespace"] as const,
    registers: [this.registry],
  });

  constructor(bus: EventBus) {
    client.collectDefaultMetrics({ register: this.registry, prefix: "parley_" });
    bus.subscribe((e) => this.events.inc({ type: e.type }));
  }
}
