/**
 * npm run bench:soak [-- --minutes=30] [--visitors=200] [--replies=5] [--postgres]
 * (PostgreSQL: PARLEY_TEST_PG_URL, as for the test suite; it runs with Redis when
 * PARLEY_TEST_REDIS_URL is set.) Not part of CI: it runs for half an hour by default.
 *
 * Parley as a real node process (`server/main.ts`) under steady mixed load from a process of its
 * own (load.mjs): visitors sending (typing first, each send awaiting its durable acknowledgement),
 * agents replying over REST, and a visitor reconnecting and resyncing every second. Each minute
 * it samples the relay's resident memory and the minute's p99 latencies, prints a row, and at the
 * end a table and a verdict: flat when the last third of the run is within the tolerance of the
 * first third (RSS +10 %, p99 +25 %, medians of the minutes). In runs longer than 3 minutes the
 * first minute is warm-up (JIT, caches, the first conversations) and is left out of the comparison.
 * Exits 0 only when flat and without errors.
 */
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { spawnNode } from "../../test/helpers/nodes.ts";
import { freshDatabaseUrl } from "../../test/helpers/server.ts";
import { fmt, table } from "../api/stats.ts";

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, "").split("=");
    return [k!, v ?? "true"];
  }),
);
const minutes = Number(args.minutes ?? 30);
const visitors = Number(args.visitors ?? 200);
const replies = Number(args.replies ?? 5);
const database: "sqlite" | "postgres" = args.postgres !== undefined ? "postgres" : "sqlite";
const RSS_TOLERANCE = 0.1;
const P99_TOLERANCE = 0.25;

interface Row {
  minute: number;
  rssMb: number;
  sends: number;
  sendP99: number | null;
  replies: number;
  replyP99: number | null;
  received: number;
  reconnects: number;
  errors: number;
  /** What failed and why, when anything did. */
  why: Record<string, number>;
}

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

const median = (xs: number[]) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
};

/** Compares the last third of the minutes with the first third (after warm-up). */
function verdict(rows: Row[], pickValue: (r: Row) => number | null, tolerance: number) {
  const measured = rows.length > 3 ? rows.slice(1) : rows;
  const third = Math.max(1, Math.floor(measured.length / 3));
  const first = median(measured.slice(0, third).map((r) => pickValue(r) ?? NaN));
  const last = median(measured.slice(-third).map((r) => pickValue(r) ?? NaN));
  const change = (last - first) / first;
  return { first, last, change, flat: Number.isFinite(change) && change <= tolerance };
}

const db = await freshDatabaseUrl(database);
const token = `sk_bench_${crypto.randomBytes(12).toString("hex")}`;
const redis = database === "postgres" && process.env.PARLEY_TEST_REDIS_URL;
const node = await spawnNode({
  databaseUrl: db.url,
  token,
  env: { LOG_LEVEL: "silent", ...(redis ? { REDIS_URL: redis } : {}) },
});
const pid = node.child.pid!;
console.log(
  `Soak: ${minutes} min on ${database}${redis ? " + Redis" : ""}, ${visitors} visitors (${visitors / 10} sends/s), ` +
    `${replies} agent replies/s, 1 reconnect/s; relay pid ${pid}, RSS at start ${fmt(rssMb(pid))} MB`,
);

const load = spawn(
  process.execPath,
  [
    path.join(import.meta.dirname, "load.mjs"),
    JSON.stringify({ url: node.url, siteKey: node.siteKey, token, visitors, replies, minutes }),
  ],
  { stdio: ["pipe", "pipe", "inherit"] },
);
const rows: Row[] = [];
readline.createInterface({ input: load.stdout! }).on("line", (line) => {
  const m = JSON.parse(line) as Omit<Row, "rssMb">;
  const row = { ...m, rssMb: rssMb(pid) };
  rows.push(row);
  console.log(
    `minute ${row.minute}: RSS ${fmt(row.rssMb)} MB, send p99 ${fmt(row.sendP99 ?? NaN)} ms (${row.sends}), ` +
      `reply p99 ${fmt(row.replyP99 ?? NaN)} ms (${row.replies}), reconnects ${row.reconnects}, errors ${row.errors}` +
      (row.errors ? ` ${JSON.stringify(row.why)}` : ""),
  );
});
const stop = () => load.stdin!.write("stop\n");
process.once("SIGINT", stop);
const code = await new Promise<number | null>((resolve) => load.once("exit", resolve));
await node.close();
await db.drop();
if (code !== 0) throw new Error(`the load exited with ${code}`);

console.log(
  "\n" +
    table(
      ["minute", "RSS MB", "sends", "send p99 ms", "replies", "reply p99 ms", "reconnects", "errors"],
      rows.map((r) => [
        String(r.minute),
        fmt(r.rssMb),
        String(r.sends),
        fmt(r.sendP99 ?? NaN),
        String(r.replies),
        fmt(r.replyP99 ?? NaN),
        String(r.reconnects),
        String(r.errors),
      ]),
    ),
);
const checks = [
  ["RSS", verdict(rows, (r) => r.rssMb, RSS_TOLERANCE), RSS_TOLERANCE, "MB"],
  ["send p99", verdict(rows, (r) => r.sendP99, P99_TOLERANCE), P99_TOLERANCE, "ms"],
  ["reply p99", verdict(rows, (r) => r.replyP99, P99_TOLERANCE), P99_TOLERANCE, "ms"],
] as const;
console.log("");
for (const [name, v, tolerance, unit] of checks)
  console.log(
    `${name}: first third ${fmt(v.first)} ${unit}, last third ${fmt(v.last)} ${unit} ` +
      `(${v.change >= 0 ? "+" : ""}${fmt(v.change * 100)} %, tolerance +${tolerance * 100} %): ${v.flat ? "flat" : "NOT FLAT"}`,
  );
const errors = rows.reduce((n, r) => n + r.errors, 0);
const flat = checks.every(([, v]) => v.flat);
console.log(`\nVerdict: ${flat ? "flat" : "not flat"}; ${errors} errors in ${rows.length} minutes.`);
process.exit(flat && errors === 0 ? 0 : 1);
