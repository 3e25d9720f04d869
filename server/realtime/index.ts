import type http from "node:http";
import { Server } from "socket.io";
import { createAdapter } from "@socket.io/redis-adapter";
import { createClient } from "redis";
import type { Logger } from "pino";
import type { Ctx } from "../domain/context.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { Config } from "../config.ts";
import type { Limiters } from "../limits/limiters.ts";
import { attachVisitorNamespace } from "./visitors.ts";
import { attachAgentNamespace } from "./agents.ts";
import { attachAvailability } from "./availability.ts";
import { attachAssigner } from "./assigner.ts";
import type { Presence } from "./presence.ts";
import { handshakeGate, maxPacketBytes } from "./guard.ts";

export interface RealtimeDeps {
  ctx: Ctx;
  log: Logger;
  metrics: Metrics;
  config: Config;
  /** Per-visitor and per-IP limits for socket events (shared through Redis when it is configured). */
  limiters?: Limiters;
  /** Set with REDIS_URL: the adapter fans emits out to every node. */
  redis?: RedisConnection | null;
  /** Which agents have an inbox connected (CONTRACT §8), across nodes. */
  presence?: Presence;
}

export interface Realtime {
  io: Server;
  close(): Promise<void>;
}

function redisClients(url: string) {
  const pub = createClient({ url });
  return { pub, sub: pub.duplicate() };
}

/** Two clients: `pub` publishes and runs commands (rate limits), `sub` only listens (the adapter). */
export interface RedisConnection {
  pub: ReturnType<typeof redisClients>["pub"];
  sub: ReturnType<typeof redisClients>["sub"];
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Connects to REDIS_URL. Connection errors are logged; the clients reconnect by themselves. */
export async function connectRedis(url: string, log: Logger): Promise<RedisConnection> {
  const { pub, sub } = redisClients(url);
  for (const [name, client] of [
    ["pub", pub],
    ["sub", sub],
  ] as const) {
    client.on("error", (err: unknown) => log.warn({ err, client: name }, "redis connection error"));
  }
  await Promise.all([pub.connect(), sub.connect()]);
  return {
    pub,
    sub,
    ping: async () => {
      await pub.ping();
    },
    close: async () => {
      await Promise.all([pub, sub].map((c) => (c.isOpen ? c.close().catch(() => c.destroy()) : undefined)));
    },
  };
}

/**
 * The adapter publishes every emit without waiting for the answer, so a refused publish (Redis
 * failing a command, or closed during shutdown while a relay is still emitting) would reject
 * with nobody listening and end the process. Its publishes go through this wrapper, which logs.
 */
function publisher(pub: RedisConnection["pub"], log: Logger): RedisConnection["pub"] {
  return new Proxy(pub, {
    get(target, key) {
      if (key === "publish")
        return (...args: Parameters<typeof target.publish>) =>
          target.publish(...args).catch((err: unknown) => {
            log.warn({ err }, "redis publish failed: an event did not reach the other nodes");
            return 0;
          });
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * socket.io on the HTTP server: `/visitor` for widgets, `/agent` for the inbox. With a Redis
 * connection, the Redis adapter fans events out to every node.
 */
export async function attachRealtime(server: http.Server, deps: RealtimeDeps): Promise<Realtime> {
  const io = new Server(server, {
    path: "/socket.io",
    serveClient: false,
    cors: { origin: true, credentials: false },
    // A bigger packet closes its connection (docs/security.md); new connections per address are limited.
    maxHttpBufferSize: maxPacketBytes,
    allowRequest: handshakeGate(deps.limiters),
    // Heartbeats: a connection that stops delivering in either direction is dropped by both ends
    // within pingInterval + pingTimeout (docs/protocol.md), and the client reconnects and resyncs.
    pingInterval: deps.config.pingIntervalMs,
    pingTimeout: deps.config.pingTimeoutMs,
  });
  if (deps.redis) io.adapter(createAdapter(publisher(deps.redis.pub, deps.log), deps.redis.sub, { key: "parley" }));
  const detachVisitors = attachVisitorNamespace(io, deps);
  attachAgentNamespace(io, deps);
  const detachAvailability = attachAvailability(io, deps);
  const assigner = attachAssigner(deps);
  return {
    io,
    close: async () => {
      detachVisitors();
      detachAvailability();
      assigner.close();
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
