/**
 * npm run bench:relay [-- --postgres] [--visitors=500] [--messages=20] [--idle=1000,10000]
 *   [--cpu-prof=DIR] (the node under load writes a V8 CPU profile into DIR when it stops)
 *   [--send-only] (the floor and the send row only: for profiling the write path)
 * (PostgreSQL: PARLEY_TEST_PG_URL, as for the test suite, e.g. postgres://root@127.0.0.1:5432/test)
 *
 * Parley's relay under load from real socket.io clients in a process of their own, beside the
 * floor: a bare socket.io server acknowledging the same payload without storing it, under the
 * identical load in the same run. Parley runs as a real node process (`server/main.ts`).
 * Rows: visitor send → durable ack; visitor send → the agent's inbox receives it; agent REST
 * post → the visitor's widget receives it; the highest paced send rate whose p99 stays within
 * 50 ms (Parley and the floor, open loop, doubling from 100 msgs/s); and resident memory per idle
 * connected visitor.
 */
import { spawn } from "node:child_process";
import crypto from "node:crypto";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { spawnNode } from "../../test/helpers/nodes.ts";
import { freshDatabaseUrl } from "../../test/helpers/server.ts";
import { signedIn } from "../../test/helpers/agents.ts";
import { fmt, summarise, table, type Measured } from "../api/stats.ts";
import { load } from "./load-process.ts";
import { idleMemory } from "./idle-memory.ts";

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
const profileDir = args["cpu-prof"];
const here = import.meta.dirname;

/** The floor server, in its own process; answers its URL and how to stop it. */
async function startEcho(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, [path.join(here, "echo-server.mjs")], { stdio: ["pipe", "pipe", "inherit"] });
  const port = await new Promise<string>((resolve) =>
    readline.createInterface({ input: child.stdout }).once("line", (line) => resolve(line.trim())),
  );
  return { url: `http://127.0.0.1:${port}`, stop: () => child.stdin.end() };
}

/** The latencies of every message but the first of each visitor. */
/** A part of a row's messages: its latencies only. */
const part = (name: string, m: Measured) => {
  const s = summarise(m);
  return [name, "", fmt(s.p50), fmt(s.p99), "", ""];
};

function later(m: Measured & { starts?: number[] }): number[] {
  const starts = new Map<number, number>();
  for (const t of m.starts ?? []) starts.set(t, (starts.get(t) ?? 0) + 1);
  return m.latencies.filter((t) => {
    const left = starts.get(t) ?? 0;
    if (left > 0) starts.set(t, left - 1);
    return left === 0;
  });
}

/** Doubles a paced rate from 100 msgs/s until p99 passes 50 ms; answers the last rate within it. */
async function sustained(target: Record<string, unknown>): Promise<string[]> {
  let best: string[] = ["below 100", "–"];
  for (let rate = 100; rate <= 12_800; rate *= 2) {
    const s = summarise(await load({ ...target, visitors: 200, scenario: "paced", rate, seconds: 5 }));
    if (s.errors > 0 || s.p99 > 50) break;
    best = [fmt(rate, 0), fmt(s.p99)];
  }
  return best;
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
  env: { PARLEY_RATE_LIMIT: "100000000" },
  execArgv: profileDir ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(profileDir)}`] : [],
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
  const sendOnly = args["send-only"] !== undefined;
  const agent = await signedIn(node, "admin@localhost", node.adminPassword);
  const inbox = sendOnly
    ? null
    : await load({
        ...base,
        url: node.url,
        siteKey: node.siteKey,
        scenario: "inbox",
        cookie: agent.headers.cookie,
      });
  const rest = sendOnly ? null : await load({ ...base, url: node.url, siteKey: node.siteKey, scenario: "rest", token });
  const floorRate = summarise(floor).perSecond;
  console.log(
    "\n" +
      table(
        ["path", "msgs/s", "p50 ms", "p99 ms", "of floor", "errors"],
        [
          row("bare socket.io ack-echo (floor)", floor),
          row(`Parley send → durable ack, ${database}`, sent, floorRate),
          part("  of which 1st messages (start a conversation)", { ...sent, latencies: sent.starts ?? [] }),
          part("  of which later messages", { ...sent, latencies: later(sent) }),
          ...(inbox ? [row("Parley send → agent inbox receives", inbox, floorRate)] : []),
          ...(rest ? [row("agent REST post → widget receives", rest, floorRate)] : []),
        ],
      ),
  );
  if (!sendOnly) {
    const paced = [
      ["bare socket.io ack-echo (floor)", await sustained({ url: echo.url, bare: true })],
      [`Parley send → durable ack, ${database}`, await sustained({ url: node.url, siteKey: node.siteKey })],
    ];
    console.log(
      "\n" +
        table(
          ["paced sends, 200 visitors, 5 s a step", "highest msgs/s with p99 ≤ 50 ms", "p99 ms there"],
          paced.map(([name, r]) => [name as string, ...(r as string[])]),
        ),
    );
  }
  const rows: string[][] = [];
  for (const n of idleSizes) {
    // A node of its own for each size: memory the load above grew is not counted as free room.
    const m = await idleMemory(database, token, n);
    rows.push([
      `${n.toLocaleString("en")} idle visitors`,
      fmt(m.rssPerVisitor / 1024, 1),
      fmt(m.heapPerVisitor / 1024, 1),
      fmt((m.rssPerVisitor * n) / 2 ** 20, 0),
      fmt(m.seconds, 0),
    ]);
  }
  if (rows.length)
    console.log(
      "\n" + table(["connected", "KiB RSS per visitor", "KiB heap per visitor", "MiB RSS in all", "connect s"], rows),
    );
} finally {
  echo.stop();
  await node.close();
  await fresh.drop();
}
