/**
 * npm run bench:relay [-- --postgres] [--visitors=500] [--messages=20] [--idle=1000,10000]
 * (PostgreSQL: PARLEY_TEST_PG_URL, as for the test suite, e.g. postgres://root@127.0.0.1:5432/test)
 *
 * Parley's relay under load from real socket.io clients in a process of their own, beside the
 * floor: a bare socket.io server acknowledging the same payload without storing it, under the
 * identical load in the same run. Parley runs as a real node process (`server/main.ts`).
 * Rows: visitor send → durable ack; visitor send → the agent's inbox receives it; agent REST
 * post → the visitor's widget receives it; and resident memory per idle connected visitor.
 */
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { spawnNode } from "../../test/helpers/nodes.ts";
import { freshDatabaseUrl } from "../../test/helpers/server.ts";
import { signedIn } from "../../test/helpers/agents.ts";
import { fmt, summarise, table, type Measured } from "../api/stats.ts";

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, "").split("=");
    return [k!, v ?? "true"];
  }),
);
const visitors = Number(args.visitors ?? 500);
const messages = Number(args.messages ?? 20);
const idleSizes = String(args.idle ?? "1000,10000")
  .split(",")
  .map(Number)
  .filter((n) => n > 0);
const database: "sqlite" | "postgres" = args.postgres !== undefined ? "postgres" : "sqlite";
const here = import.meta.dirname;

/** Runs the load generator once and answers its JSON result. */
function load(options: Record<string, unknown>): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(here, "load.mjs"), JSON.stringify(options)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load exited ${code}`))));
  });
}

/** The floor server, in its own process; answers its URL and how to stop it. */
async function startEcho(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, [path.join(here, "echo-server.mjs")], { stdio: ["pipe", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve) =>
    readline.createInterface({ input: child.stdout }).once("line", (line) => resolve(line.trim())),
  );
  return { url: `http://127.0.0.1:${port}`, stop: () => child.stdin.end() };
}

/** Resident memory of a process, in bytes (Linux). */
function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

/** Connects `n` idle visitors from a load process and answers Parley's RSS growth per visitor. */
async function idleCost(url: string, siteKey: string, pid: number, n: number): Promise<number> {
  global.gc?.();
  const before = rssOf(pid);
  const child = spawn(
    process.execPath,
    [path.join(here, "load.mjs"), JSON.stringify({ url, siteKey, visitors: n, scenario: "idle" })],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  await new Promise<void>((resolve) =>
    readline.createInterface({ input: child.stdout! }).once("line", () => resolve()),
  );
  // Let the server settle (timers, buffers) before reading its memory.
  await new Promise((r) => setTimeout(r, 2000));
  const after = rssOf(pid);
  child.stdin!.write("stop\n");
  await new Promise((r) => child.once("exit", r));
  return (after - before) / n;
}

const row = (name: string, m: Measured, floor?: number) => {
  const s = summarise(m);
  return [
    name,
    fmt(s.perSecond, 0),
    fmt(s.p50),
    fmt(s.p99),
    floor ? `${fmt(s.perSecond / floor, 2)}×` : "1.00×",
    String(s.errors),
  ];
};

const fresh = await freshDatabaseUrl(database);
const token = `sk_bench_${crypto.randomBytes(12).toString("hex")}`;
const node = await spawnNode({
  databaseUrl: fresh.url,
  token,
  env: { PARLEY_RATE_LIMIT: "100000000", PARLEY_HANDSHAKE_LIMIT: "100000000", PARLEY_SEND_LIMIT: "100000000" },
});
const echo = await startEcho();
try {
  console.log(
    `Relay on ${database}, ${visitors} visitors × ${messages} messages each, awaiting every acknowledgement; ` +
      `${os.cpus().length} cores`,
  );
  const base = { visitors, messages };
  const floor = await load({ ...base, url: echo.url, scenario: "send", bare: true });
  const sent = await load({ ...base, url: node.url, siteKey: node.siteKey, scenario: "send" });
  const agent = await signedIn(node, "admin@localhost", node.adminPassword);
  const inbox = await load({
    ...base,
    url: node.url,
    siteKey: node.siteKey,
    scenario: "inbox",
    cookie: agent.headers.cookie,
  });
  const rest = await load({ ...base, url: node.url, siteKey: node.siteKey, scenario: "rest", token });
  const floorRate = summarise(floor).perSecond;
  console.log(
    "\n" +
      table(
        ["path", "msgs/s", "p50 ms", "p99 ms", "of floor", "errors"],
        [
          row("bare socket.io ack-echo (floor)", floor),
          row(`Parley send → durable ack, ${database}`, sent, floorRate),
          row("Parley send → agent inbox receives", inbox, floorRate),
          row("agent REST post → widget receives", rest, floorRate),
        ],
      ),
  );
  const rows: string[][] = [];
  for (const n of idleSizes) {
    // A node of its own for each size: memory the load above grew is not counted as free room.
    const db = await freshDatabaseUrl(database);
    const idle = await spawnNode({
      databaseUrl: db.url,
      token,
      env: { PARLEY_RATE_LIMIT: "100000000", PARLEY_HANDSHAKE_LIMIT: "100000000", PARLEY_SEND_LIMIT: "100000000" },
    });
    let perVisitor: number;
    try {
      perVisitor = await idleCost(idle.url, idle.siteKey, idle.child.pid!, n);
    } finally {
      await idle.close();
      await db.drop();
    }
    rows.push([
      `${n.toLocaleString("en")} idle visitors`,
      fmt(perVisitor / 1024, 1),
      fmt((perVisitor * n) / 2 ** 20, 0),
    ]);
  }
  if (rows.length) console.log("\n" + table(["connected", "KiB per visitor", "MiB in all"], rows));
} finally {
  echo.stop();
  await node.close();
  await fresh.drop();
}
