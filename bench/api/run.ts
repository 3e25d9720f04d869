/**
 * npm run bench:api [-- --postgres[=URL]] [--duration=5] [--concurrency=50]
 *   [--cpu-prof=DIR] (V8 CPU profiles of the server's thread under the baseline and each write row, into DIR)
 *   [--writes-only] (the baseline and the two write rows, no history: for profiling)
 * (PostgreSQL URL: the option, else PARLEY_BENCH_PG_URL, else the test suite's PARLEY_TEST_PG_URL)
 *
 * Over real HTTP at concurrency 50, beside a bare Express handler measured in the same run:
 * conversations created per second and messages posted per second, with p50/p99 latency.
 * Then the history endpoint's latency for a conversation of 10 messages against one of
 * 100,000 (seeded through the store): its cost must not grow with the conversation's length.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import { performance } from "node:perf_hooks";
import { Session } from "node:inspector/promises";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";
import express from "express";
import pg from "pg";
import pino from "pino";
import type { AddressInfo } from "node:net";
import { readConfig } from "../../server/config.ts";
import { startParley } from "../../server/parley.ts";
import { seedConversation } from "./seed.ts";
import { fmt, summarise, table, type Measured } from "./stats.ts";

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, "").split("=");
    return [k!, v ?? "true"];
  }),
);
const usePostgres = args.postgres !== undefined;
const pgUrl =
  args.postgres && args.postgres !== "true"
    ? args.postgres
    : process.env.PARLEY_BENCH_PG_URL || process.env.PARLEY_TEST_PG_URL || "postgres://root@127.0.0.1:5432/test";
const durationMs = Number(args.duration ?? 5) * 1000;
const concurrency = Number(args.concurrency ?? 50);
const profileDir = args["cpu-prof"];
const writesOnly = args["writes-only"] !== undefined;

/**
 * `run` with this thread (the server's; the load generator is a thread of its own) profiled
 * when --cpu-prof is given: DIR/api-<name>.cpuprofile, for Chrome's DevTools or speedscope.
 */
async function profiled<T>(name: string, run: () => Promise<T>): Promise<T> {
  if (!profileDir) return run();
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  try {
    return await run();
  } finally {
    const { profile } = await session.post("Profiler.stop");
    fs.mkdirSync(profileDir, { recursive: true });
    fs.writeFileSync(path.join(profileDir, `api-${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

/** A fresh database for this run, and how to remove it afterwards. */
async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!usePostgres) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-bench-"));
    return {
      url: `sqlite:${path.join(dir, "parley.sqlite")}`,
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `bench_${crypto.randomBytes(4).toString("hex")}`;
  const url = new URL(pgUrl);
  url.searchParams.set("schema", schema);
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

/** The baseline: Express parsing the same JSON body and answering, with no work behind it. */
async function startBare(): Promise<{ url: string; close(): Promise<void> }> {
  const app = express();
  app.use(express.json());
  app.post("/bare", (_req, res) => void res.status(201).json({ ok: true }));
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function load(data: {
  url: string;
  token: string;
  kind: string;
  conversations?: string[];
  concurrency: number;
  durationMs: number;
  warmupMs?: number;
}): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./load-worker.mjs", import.meta.url), {
      workerData: { warmupMs: 1000, conversations: [], ...data },
    });
    const before = performance.eventLoopUtilization();
    worker.once("message", (m: Measured) => resolve({ ...m, busyMs: performance.eventLoopUtilization(before).active }));
    worker.once("error", reject);
  });
}

const db = await freshDatabase();
const token = `sk_bench_${crypto.randomBytes(12).toString("hex")}`;
const parley = await startParley(
  readConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: db.url,
    PARLEY_API_TOKEN: token,
    PARLEY_ADMIN_PASSWORD: "bench password",
    PARLEY_RATE_LIMIT: "1000000000",
    PARLEY_HANDSHAKE_LIMIT: "1000000000",
    PARLEY_SEND_LIMIT: "1000000000",
    LOG_LEVEL: "silent",
  }),
  { logger: pino({ level: "silent" }) },
);
type Stats = ReturnType<typeof summarise>;

/** The history endpoint's latency, one caller at a time (the read itself, not a queue): 10 messages, then 100,000. */
async function measureHistory(): Promise<[Stats, Stats]> {
  console.error("Seeding a conversation of 100,000 messages through the store…");
  const short = await seedConversation(parley.ctx, 10);
  const long = await seedConversation(parley.ctx, 100_000);
  const read = async (conversation: string) =>
    summarise(
      await load({
        url: parley.url,
        token,
        kind: "history",
        conversations: [conversation],
        concurrency: 1,
        durationMs: Math.max(2000, durationMs / 2),
      }),
    );
  return [await read(short), await read(long)];
}

const bare = await startBare();
const dbName = usePostgres ? "PostgreSQL" : "SQLite";
console.error(`Parley on ${dbName}, concurrency ${concurrency}, ${durationMs / 1000} s per measurement…`);

try {
  const baseline = summarise(
    await profiled("bare", () => load({ url: bare.url, token, kind: "bare", concurrency, durationMs })),
  );
  const created = summarise(
    await profiled("conversations", () =>
      load({ url: parley.url, token, kind: "conversations", concurrency, durationMs }),
    ),
  );
  const targets: string[] = [];
  for (let i = 0; i < concurrency; i++) {
    const res = await fetch(`${parley.url}/v1/conversations`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: "{}",
    });
    targets.push(((await res.json()) as { id: string }).id);
  }
  const posted = summarise(
    await profiled("messages", () =>
      load({ url: parley.url, token, kind: "messages", conversations: targets, concurrency, durationMs }),
    ),
  );

  const ratio = (a: number, b: number) => `${fmt(a / b, 2)}×`;
  const rows = [
    [
      "bare Express handler (baseline)",
      fmt(baseline.perSecond, 0),
      fmt(baseline.p50, 2),
      fmt(baseline.p99, 2),
      "1.00×",
      String(baseline.errors),
    ],
    [
      "POST /v1/conversations (with contact and first message)",
      fmt(created.perSecond, 0),
      fmt(created.p50, 2),
      fmt(created.p99, 2),
      ratio(created.perSecond, baseline.perSecond),
      String(created.errors),
    ],
    [
      `POST /v1/conversations/{id}/messages (${concurrency} conversations)`,
      fmt(posted.perSecond, 0),
      fmt(posted.p50, 2),
      fmt(posted.p99, 2),
      ratio(posted.perSecond, baseline.perSecond),
      String(posted.errors),
    ],
  ];
  console.log(
    `\nThroughput over HTTP, ${dbName}, concurrency ${concurrency}, ${durationMs / 1000} s each, ${os.cpus().length} cores\n`,
  );
  console.log(table(["operation", "req/s", "p50 ms", "p99 ms", "of baseline", "errors"], rows));
  const busy = [baseline, created, posted].map((m, i) => [rows[i]![0]!, fmt(m.busyUs, 0)]);
  console.log(`\nServer thread busy per request (event loop not idle, µs)\n`);
  console.log(table(["operation", "busy µs/req"], busy));
  if (!writesOnly) {
    const [historyShort, historyLong] = await measureHistory();
    const historyRatio = historyLong.p50 / historyShort.p50;
    console.log(`\nHistory (GET /v1/conversations/{id}/messages, newest 10), one caller\n`);
    const row = (name: string, h: Stats) => [name, fmt(h.perSecond, 0), fmt(h.p50, 2), fmt(h.p99, 2)];
    const rows = [row("10 messages", historyShort), row("100,000 messages", historyLong)];
    console.log(table(["conversation length", "req/s", "p50 ms", "p99 ms"], rows));
    const verdict = historyRatio <= 1.5 ? "ok" : "TOO SLOW";
    console.log(`\nhistory p50 ratio 100,000 / 10 = ${fmt(historyRatio, 2)} (must be ≤ 1.5): ${verdict}`);
    if (historyRatio > 1.5) process.exitCode = 1;
  }
} finally {
  await bare.close();
  await parley.close();
  await db.drop();
}
