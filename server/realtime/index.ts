import type http from "node:http";
import { Server } from "socket.io";
import type { Logger } from "pino";
import type { Ctx } from "../domain/context.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { Config } from "../config.ts";
import { attachVisitorNamespace } from "./visitors.ts";
import { attachAgentNamespace } from "./agents.ts";

export interface RealtimeDeps {
  ctx: Ctx;
  log: Logger;
  metrics: Metrics;
  config: Config;
}

export interface Realtime {
  io: Server;
  close(): Promise<void>;
}

/**
 * socket.io on the HTTP server: `/visitor` for widgets, `/agent` for the inbox. With
 * REDIS_URL set, the Redis adapter fans events out to every node.
 */
export async function attachRealtime(server: http.Server, deps: RealtimeDeps): Promise<Realtime> {
  const io = new Server(server, {
    path: "/socket.io",
    serveClient: false,
    cors: { origin: true, credentials: false },
    maxHttpBufferSize: 1e6,
  });
  attachVisitorNamespace(io, deps);
  attachAgentNamespace(io, deps);
  return {
    io,
    close: async () => {
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
