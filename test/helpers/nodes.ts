import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import path from "node:path";
import readline from "node:readline";
import { freshDatabaseUrl } from "./server.ts";
import { services } from "./services.ts";
import { apiClient, type ApiCall } from "./api.ts";

export { apiClient, type ApiCall };

/**
 * Real Parley nodes: each one its own `node --import tsx server/main.ts` process, as a deployment
 * runs them, so that nothing one node keeps in memory (a map, a cache, a timer) can stand in for
 * what the database and Redis must hold. Two-node suites use these, never two servers in one process.
 */

const root = path.resolve(import.meta.dirname, "../..");

/** What a suite needs of a node, in this process (test/helpers/server.ts) or in its own. */
export interface ParleyNode {
  url: string;
  port: number;
  token: string;
  siteKey: string;
  adminPassword: string;
  databaseUrl: string;
  /** fetch against the node with the admin token and JSON. */
  api: ApiCall;
  close(): Promise<void>;
}

export interface SpawnedNode extends ParleyNode {
  child: ChildProcess;
  /** Everything the process printed on stdout, line by line (the banner, then JSON logs). */
  lines: string[];
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnOptions {
  databaseUrl: string;
  /** The pinned admin token (PARLEY_API_TOKEN); every node of a deployment shares it. */
  token: string;
  adminPassword?: string;
  env?: Record<string, string>;
  /** Node's own options before the script (benchmarks: `--cpu-prof`, which NODE_OPTIONS refuses). */
  execArgv?: string[];
}

/**
 * Starts one node process on a free port (`node --import tsx server/main.ts`, as `npm start` and
 * the deployment guide run it: one process, so SIGTERM reaches the server itself; the `tsx`
 * command would relay signals to a child and SIGKILL it when it does not confirm within 30 ms) and resolves once it printed that it is running (its
 * banner comes after the database, Redis and the listening socket are up). Rejects with the
 * process's stderr when it exits first.
 */
export async function spawnNode(opts: SpawnOptions): Promise<SpawnedNode> {
  const adminPassword = opts.adminPassword ?? "correct horse battery";
  const child = spawn(process.execPath, [...(opts.execArgv ?? []), "--import", "tsx", "server/main.ts"], {
    cwd: root,
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      DATABASE_URL: opts.databaseUrl,
      PARLEY_API_TOKEN: opts.token,
      PARLEY_ADMIN_PASSWORD: adminPassword,
      PARLEY_RATE_LIMIT: "1000000",
      PARLEY_HANDSHAKE_LIMIT: "1000000",
      PARLEY_SEND_LIMIT: "1000000",
      LOG_LEVEL: process.env.PARLEY_TEST_LOG ?? "silent",
      ...opts.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let stderr = "";
  child.stderr!.on("data", (d: Buffer) => {
    stderr += d.toString();
    if (process.env.PARLEY_TEST_LOG) process.stderr.write(d);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  // A test run that ends without closing its nodes (a crash, an interrupt) leaves none behind.
  const orphan = () => child.kill("SIGKILL");
  process.once("exit", orphan);
  void exited.then(() => process.off("exit", orphan));
  const banner = await new Promise<{ url: string; siteKey: string }>((resolve, reject) => {
    let url: string | null = null;
    const rl = readline.createInterface({ input: child.stdout! });
    rl.on("line", (line) => {
      lines.push(line);
      const running = /Parley is running on (http:\/\/\S+)/.exec(line);
      if (running) url = running[1]!;
      const key = /^\s*Site key\s+(\S+)/.exec(line);
      if (key && url) resolve({ url, siteKey: key[1]! });
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`the node exited (${code ?? signal}) before it was running: ${stderr}`)),
    );
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      // A node drains within 10 s; one that does not is stopped anyway, so a suite never hangs.
      const late = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(late);
    }
  };
  return {
    url: banner.url,
    port: Number(new URL(banner.url).port),
    token: opts.token,
    siteKey: banner.siteKey,
    adminPassword,
    databaseUrl: opts.databaseUrl,
    api: apiClient(banner.url, opts.token),
    child,
    lines,
    exited,
    close: stop,
  };
}

export interface Nodes {
  nodes: SpawnedNode[];
  databaseUrl: string;
  token: string;
  /** Stops every node, then drops the database. */
  close(): Promise<void>;
}

/**
 * `n` node processes on one fresh PostgreSQL schema, joined by Redis (unless `redis: false`),
 * all started at once on the empty database, as a deployment's first start does.
 */
export async function startNodes(
  n: number,
  opts: { env?: Record<string, string>; redis?: boolean } = {},
): Promise<Nodes> {
  const database = await freshDatabaseUrl("postgres");
  const token = `sk_test_${crypto.randomBytes(12).toString("hex")}`;
  const env = { ...(opts.redis === false ? {} : { REDIS_URL: services.redisUrl! }), ...opts.env };
  const started = await Promise.allSettled(
    Array.from({ length: n }, () => spawnNode({ databaseUrl: database.url, token, env })),
  );
  const nodes = started.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const close = async () => {
    await Promise.all(nodes.map((node) => node.close()));
    await database.drop();
  };
  const failed = started.find((s) => s.status === "rejected");
  if (failed) {
    await close();
    throw failed.reason;
  }
  return { nodes, databaseUrl: database.url, token, close };
}

/** Whether this run can start real nodes joined by Redis. */
export const nodesAvailable = !!services.postgresUrl && !!services.redisUrl;
