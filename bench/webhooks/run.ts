/**
 * Webhook delivery benchmark: messages are posted through the REST API while a local receiver
 * (node:http on 127.0.0.1, answering 200) takes the `message.created` deliveries.
 * Prints, per database and load shape, the delivered events per second and the lag between a
 * message being stored (its createdAt) and its delivery arriving (p50 / p99).
 *
 *   npm run bench:webhooks                      SQLite; PostgreSQL too when PARLEY_BENCH_PG_URL
 *                                               (or PARLEY_TEST_PG_URL) names a database
 *   BENCH_MESSAGES=4000 npm run bench:webhooks  bigger runs
 */
import http from "node:http";
import os from "node:os";
import type { AddressInfo } from "node:net";
import type { TestServer } from "../../test/helpers/server.ts";

const totalMessages = Number(process.env.BENCH_MESSAGES ?? 2000);
const conversationsCount = Number(process.env.BENCH_CONVERSATIONS ?? 50);
const senders = Number(process.env.BENCH_CONCURRENCY ?? 16);
const pacedRate = Number(process.env.BENCH_RATE ?? 100);
const pgUrl = process.env.PARLEY_BENCH_PG_URL || process.env.PARLEY_TEST_PG_URL;
// The test helpers read which services exist when they load.
if (pgUrl) process.env.PARLEY_TEST_PG_URL = pgUrl;
const { startTestServer } = await import("../../test/helpers/server.ts");

interface Row {
  database: string;
  load: string;
  events: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
}

async function receiver() {
  const lags: number[] = [];
  const seen = new Set<string>();
  let waiting: { count: number; resolve: () => void } | null = null;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const now = Date.now();
      res.end("ok");
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      if (seen.has(body.id)) return;
      seen.add(body.id);
      lags.push(now - Date.parse(body.data.message.createdAt));
      if (waiting && seen.size >= waiting.count) waiting.resolve();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    lags,
    reset() {
      lags.length = 0;
      seen.clear();
    },
    until(count: number) {
      return new Promise<void>((resolve) => {
        if (seen.size >= count) return resolve();
        waiting = { count, resolve };
      });
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function postMessages(
  server: TestServer,
  conversations: string[],
  count: number,
  ratePerSecond: number | null,
): Promise<void> {
  let next = 0;
  const started = Date.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      if (ratePerSecond) {
        const due = started + (i * 1000) / ratePerSecond;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const res = await server.api("POST", `/v1/conversations/${conversations[i % conversations.length]}/messages`, {
        text: `message ${i}`,
      });
      if (res.status !== 201) throw new Error(`posting a message answered ${res.status}: ${JSON.stringify(res.body)}`);
    }
  };
  await Promise.all(Array.from({ length: senders }, worker));
}

async function run(database: "sqlite" | "postgres"): Promise<Row[]> {
  const hook = await receiver();
  const server = await startTestServer({ db: database, env: { PARLEY_WEBHOOK_ALLOW_PRIVATE: "1" } });
  const rows: Row[] = [];
  try {
    const conversations: string[] = [];
    for (let i = 0; i < conversationsCount; i++)
      conversations.push((await server.api("POST", "/v1/conversations", { topic: `bench ${i}` })).body.id);
    // Warm-up (connections, JIT, caches), then the same burst without any subscription: what the API alone does.
    await postMessages(server, conversations, 200, null);
    const bare = Date.now();
    await postMessages(server, conversations, totalMessages, null);
    rows.push({
      database,
      load: "burst, no subscription (API alone)",
      events: totalMessages,
      perSecond: totalMessages / ((Date.now() - bare) / 1000),
      p50: NaN,
      p99: NaN,
      max: NaN,
    });

    const sub = await server.api("POST", "/v1/webhooks", { url: hook.url, events: ["message.created"] });
    if (sub.status !== 201) throw new Error(`subscribing answered ${sub.status}`);
    await postMessages(server, conversations, 200, null);
    await hook.until(200);

    for (const [load, rate] of [
      [`burst (${senders} senders)`, null],
      [`paced ${pacedRate}/s`, pacedRate],
    ] as const) {
      hook.reset();
      const started = Date.now();
      await postMessages(server, conversations, totalMessages, rate);
      await hook.until(totalMessages);
      const seconds = (Date.now() - started) / 1000;
      const sorted = [...hook.lags].sort((a, b) => a - b);
      rows.push({
        database,
        load,
        events: totalMessages,
        perSecond: totalMessages / seconds,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        max: sorted.at(-1)!,
      });
    }
  } finally {
    await server.close();
    await hook.close();
  }
  return rows;
}

const rows: Row[] = [];
rows.push(...(await run("sqlite")));
if (pgUrl) {
  rows.push(...(await run("postgres")));
} else {
  console.error("PostgreSQL not measured: set PARLEY_BENCH_PG_URL to include it.");
}

const header = ["database", "load", "messages", "delivered/s", "lag p50 ms", "lag p99 ms", "lag max ms"];
const ms = (n: number) => (Number.isNaN(n) ? "–" : String(n));
const table = rows.map((r) => [
  r.database,
  r.load,
  String(r.events),
  Number.isNaN(r.p50) ? `(${r.perSecond.toFixed(0)} stored/s)` : r.perSecond.toFixed(0),
  ms(r.p50),
  ms(r.p99),
  ms(r.max),
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
console.log(
  `\nWebhooks: ${conversationsCount} conversations, message.created to one local receiver; ${os.cpus().length} cores, Node ${process.versions.node}\n`,
);
console.log(line(header));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const row of table) console.log(line(row));
