import { Router } from "express";
import type { Metrics } from "../../observability/metrics.ts";

export interface Readiness {
  database(): Promise<void>;
  redis?(): Promise<void>;
}

/** /healthz (alive), /readyz (database and Redis reachable), /metrics (Prometheus). */
export function healthRoutes(readiness: Readiness, metrics: Metrics, draining: () => boolean): Router {
  const r = Router();
  r.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  r.get("/readyz", async (_req, res) => {
    const checks: Record<string, string> = {};
    let ok = !draining();
    if (draining()) checks.server = "draining";
    for (const [name, check] of Object.entries({ database: readiness.database, redis: readiness.redis })) {
      if (!check) continue;
      try {
        await Promise.race([
          check(),
          new Promise((_, reject) => setTimeout(() => reject(new Error("timeout")), 2000).unref()),
        ]);
        checks[name] = "ok";
      } catch {
        checks[name] = "unreachable";
        ok = false;
      }
    }
    res.status(ok ? 200 : 503).json({ status: ok ? "ok" : "unavailable", checks });
  });
  r.get("/metrics", async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return r;
}
