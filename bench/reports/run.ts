/**
 * npm run bench:reports [-- --conversations=100000] [--days=90] [--queries=50] [--lives=150]
 *   [--no-postgres] [--no-sqlite]
 * (PostgreSQL: PARLEY_BENCH_PG_URL, else the test suite's PARLEY_TEST_PG_URL, else the local test database)
 *
 * On SQLite and PostgreSQL, a fresh database is loaded in bulk (seed.ts) with `conversations`
 * conversations and about ten times as many messages over `days` days, and their reports
 * projection. Then:
 * - GET /v1/reports/summary's domain function for the last 30 days in Asia/Kolkata, as an owner,
 *   with no filter and with a queue filter: p50/p99 over `queries` calls after a warm-up, beside
 *   a floor measured alike (one count of the period's range through the same index);
 * - the write path with the reporting indexes beside the same path without them: conversation
 *   lives (created with a visitor's message, answered, assigned, solved: four transactions)
 *   through the domain functions the API calls, with the event log's `reports` consumer running,
 *   timed until the consumer has projected the last of them; rounds alternate with and without
 *   the indexes so that both see the same machine.
 */
import os from "node:os";
import pino from "pino";
import { sql, type Kysely } from "kysely";
import { EventBus } from "../../server/events/bus.ts";
import { EventLog } from "../../server/events/log-consumers.ts";
import type { Ctx, Principal } from "../../server/domain/context.ts";
import { createConversation, patchConversation } from "../../server/domain/conversations.ts";
import { postMessage } from "../../server/domain/messages.ts";
import { reportsConsumer } from "../../server/reports/projection.ts";
import { periodOf } from "../../server/reports/period.ts";
import { reportSummary } from "../../server/reports/summary.ts";
import { reportIndexes } from "../../server/store/migrations/0021-report-repeats.ts";
import { createIndexes } from "../../server/store/migrations/indexes.ts";
import type { Database } from "../../server/store/tables.ts";
import { ReportQuery } from "../../shared/schemas/index.ts";
import { fmt, percentile, table } from "../api/stats.ts";
import { benchArgs, benchSite, freshStore } from "../store.ts";
import { seed } from "./seed.ts";

const args = benchArgs();
const conversations = Number(args.conversations ?? 100_000);
const days = Number(args.days ?? 90);
const queries = Number(args.queries ?? 50);
const lives = Number(args.lives ?? 150);
const TZ = "Asia/Kolkata";

const day = (ms: number) => new Intl.DateTimeFormat("en-CA", { timeZone: TZ }).format(new Date(ms));

const lastDays = () => ({ from: day(Date.now() - 29 * 86_400_000), to: day(Date.now()), tz: TZ });

/** p50/p99 of `call` over `queries` calls after 3 of warm-up, and what the last one answered. */
async function latencies(call: () => Promise<number>) {
  const times: number[] = [];
  let started = 0;
  for (let i = 0; i < queries + 3; i++) {
    const t = performance.now();
    started = await call();
    if (i >= 3) times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), started };
}

const summaryOf = (ctx: Ctx, owner: Principal, extra: Record<string, string>) => {
  const query = ReportQuery.parse({ ...lastDays(), ...extra });
  return async () => (await reportSummary(ctx, owner, query)).conversations.started;
};

/** The floor: one count of the conversations started in the period, through the same index. */
const floorOf = (ctx: Ctx) => {
  const { start, end } = periodOf(lastDays().from, lastDays().to, TZ);
  return async () => {
    const r = await ctx.db
      .selectFrom("report_conversations")
      .select((eb) => eb.fn.countAll().as("n"))
      .where("created_ms", ">=", start)
      .where("created_ms", "<", end)
      .executeTakeFirst();
    return Number(r?.n);
  };
};

async function setIndexes(db: Kysely<Database>, on: boolean) {
  if (on) await createIndexes(db, reportIndexes);
  else for (const i of reportIndexes) await db.schema.dropIndex(i.name).ifExists().execute();
}

/** `count` conversation lives through the domain, then until the reports consumer has them all. */
async function round(ctx: Ctx, count: number, agents: string[]): Promise<number> {
  const token: Principal = { kind: "token", tokenId: "tok_bench", siteId: null, name: "bench" };
  const t = performance.now();
  for (let i = 0; i < count; i++) {
    const { conversation } = await createConversation(ctx, token, {
      contact: { name: `Visitor ${i}` },
      sender: { type: "contact" },
      message: { text: "Where is my order?" },
    } as never);
    await postMessage(ctx, token, conversation.id, { type: "text", content: { text: "Looking now" } });
    await patchConversation(ctx, token, conversation.id, { assignee: agents[i % agents.length]! });
    await patchConversation(ctx, token, conversation.id, { status: "solved" });
  }
  for (;;) {
    const max = await ctx.db
      .selectFrom("events")
      .select((eb) => eb.fn.max("position").as("m"))
      .executeTakeFirst();
    const at = await ctx.db
      .selectFrom("event_consumers")
      .select("position")
      .where("name", "=", "reports")
      .executeTakeFirst();
    if (Number(at?.position) >= Number(max?.m)) break;
    await new Promise((r) => setTimeout(r, 2));
  }
  return (performance.now() - t) / 1000;
}

async function run(kind: "sqlite" | "postgres"): Promise<string> {
  const { store, drop } = await freshStore(kind, "reports");
  const bus = new EventBus();
  const now = () => new Date().toISOString();
  const ctx: Ctx = { db: store.db, dialect: store.dialect, bus, now, publicUrl: "http://localhost" };
  const log = new EventLog({
    db: store.db,
    dialect: store.dialect,
    bus,
    log: pino({ level: "silent" }),
    now,
    retentionDays: 400,
  });
  try {
    const siteId = await benchSite(store);
    const agents: string[] = [];
    for (let a = 0; a < 8; a++) {
      const id = `ag_bench${a}`;
      agents.push(id);
      await store.db
        .insertInto("agents")
        .values({
          id,
          name: `Agent ${a}`,
          email: `a${a}@bench`,
          email_notifications: 0,
          role: "agent",
          password_hash: "x",
          active: 1,
          away: 0,
          queues: "[]",
          created_at: now(),
        })
        .execute();
    }
    const owner: Principal = { kind: "agent", agentId: agents[0]!, name: "Owner", role: "owner" };
    const t = performance.now();
    const { messages } = await seed(ctx, { conversations, days, siteId, agents });
    await sql`analyze`.execute(store.db);
    const loadSeconds = (performance.now() - t) / 1000;
    console.error(`${kind}: loaded ${conversations} conversations, ${messages} messages in ${fmt(loadSeconds)} s`);

    const floor = await latencies(floorOf(ctx));
    const all = await latencies(summaryOf(ctx, owner, {}));
    const queue = await latencies(summaryOf(ctx, owner, { queue: "support" }));
    const name = kind === "sqlite" ? "SQLite" : "PostgreSQL";

    log.consume(reportsConsumer);
    await log.start();
    const rounds = 4;
    const per = Math.max(10, Math.floor(lives / rounds));
    await round(ctx, 10, agents); // warm-up
    let withSeconds = 0;
    let withoutSeconds = 0;
    for (let r = 0; r < rounds; r++) {
      await setIndexes(store.db, false);
      withoutSeconds += await round(ctx, per, agents);
      await setIndexes(store.db, true);
      withSeconds += await round(ctx, per, agents);
    }
    const writes = rounds * per * 4;
    const without = writes / withoutSeconds;
    const withIndexes = writes / withSeconds;
    return [
      table(
        [
          `${name}: 30-day summary, ${conversations} conversations, ${messages} messages`,
          "p50 ms",
          "p99 ms",
          "started",
        ],
        [
          ["every conversation", fmt(all.p50, 1), fmt(all.p99, 1), String(all.started)],
          ["one queue", fmt(queue.p50, 1), fmt(queue.p99, 1), String(queue.started)],
          ["floor: one count of the period's range", fmt(floor.p50, 1), fmt(floor.p99, 1), String(floor.started)],
        ],
      ),
      "",
      table(
        ["write path (4 transactions per conversation life, projected)", "writes/s"],
        [
          ["without the reporting indexes", fmt(without, 0)],
          ["with the reporting indexes", fmt(withIndexes, 0)],
          ["cost of the indexes", `${fmt((1 - withIndexes / without) * 100)} %`],
        ],
      ),
    ].join("\n");
  } finally {
    await log.stop();
    await store.close();
    await drop();
  }
}

// Each database's tables are printed as soon as they are measured.
console.log(
  `${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), Node ${process.versions.node}; ` +
    `${conversations} conversations over ${days} days, ${queries} summaries per row, ${lives} conversation lives per side\n`,
);
if (args["no-sqlite"] === undefined) console.log(await run("sqlite"));
if (args["no-postgres"] === undefined) {
  try {
    console.log(`\n${await run("postgres")}`);
  } catch (err) {
    console.log(`\nPostgreSQL not measured: ${(err as Error).message}`);
  }
}
