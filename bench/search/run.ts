/**
 * npm run bench:search [-- --messages=200000] [--per-conversation=10] [--queries=200] [--writes=3000]
 *   [--no-postgres] [--no-sqlite]
 * (PostgreSQL: PARLEY_BENCH_PG_URL, else the test suite's PARLEY_TEST_PG_URL, else the local test database)
 *
 * On SQLite and PostgreSQL, a fresh database is loaded with `messages` messages in
 * `messages / per-conversation` conversations (issue 10 asks 1,000,000 in 100,000; the default is
 * what loads in a few minutes on two shared cores), indexed as the write path indexes them. Then:
 * - search latency (GET /v1/search's domain function: index, filters, ranking, snippets and the
 *   conversations' views) for a rare word (in 10 messages), a common word (in 1 message of 24)
 *   and a prefix of one, one caller, p50/p99;
 * - the write path's messages/s with the index beside the same path without it: messages posted
 *   through the domain's postMessage (what the REST API, the inbox and the widget call), one
 *   transaction each, in alternating rounds with and without the index's insert so that both
 *   see the same machine.
 */
import os from "node:os";
import { sql } from "kysely";
import { EventBus } from "../../server/events/bus.ts";
import type { Ctx, Principal } from "../../server/domain/context.ts";
import { searchConversations } from "../../server/domain/search.ts";
import { newId } from "../../server/domain/secrets.ts";
import { newConversationRow } from "../../server/domain/conversation-create.ts";
import { indexInsertedMessages, messageIndexing, withSearchColumns } from "../../server/store/search-messages.ts";
import { postMessage } from "../../server/domain/messages.ts";
import type { MessageRow } from "../../server/store/tables.ts";
import { SearchQuery } from "../../shared/schemas/index.ts";
import { fmt, percentile, table } from "../api/stats.ts";
import { benchArgs, benchSite, freshStore } from "../store.ts";

const args = benchArgs();
const totalMessages = Number(args.messages ?? 200_000);
const perConversation = Number(args["per-conversation"] ?? 10);
const queries = Number(args.queries ?? 200);
const writes = Number(args.writes ?? 3000);

/** A vocabulary with a long tail: word i is drawn with weight 1/(i+1) (Zipf), like real text. */
const vocabulary = Array.from({ length: 5000 }, (_, i) => `w${i.toString(36)}x${"aeiou"[i % 5]}`);
const common = ["order", "please", "thanks", "delivery", "problem", "account", "invoice", "refund"];
const RARE = "zanzibarite";
const cumulative: number[] = [];
vocabulary.reduce((sum, _, i) => (cumulative[i] = sum + 1 / (i + 1)), 0);
function randomWord(): string {
  const r = Math.random() * cumulative[cumulative.length - 1]!;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cumulative[mid]! < r) lo = mid + 1;
    else hi = mid;
  }
  return vocabulary[lo]!;
}
function messageText(n: number): string {
  const words = Array.from({ length: 8 + (n % 12) }, randomWord);
  if (n % 3 === 0) words.splice(2, 0, common[n % common.length]!);
  if (n % Math.floor(totalMessages / 10) === 7) words.push(RARE);
  return words.join(" ");
}

/** Conversations and messages straight into the store, with their documents, in batches. */
async function load(ctx: Ctx, siteId: string): Promise<string[]> {
  const conversations = Math.ceil(totalMessages / perConversation);
  const ids: string[] = [];
  const start = Date.now() - 30 * 86_400_000;
  for (let c = 0; c < conversations; c += 500) {
    await ctx.db.transaction().execute(async (trx) => {
      const convs = [];
      const messages: MessageRow[] = [];
      for (let i = c; i < Math.min(c + 500, conversations); i++) {
        const id = newId("conversation");
        ids.push(id);
        const at = new Date(start + i * 1000).toISOString();
        let last = "";
        for (let seq = 1; seq <= perConversation; seq++) {
          last = newId("message");
          const n = i * perConversation + seq;
          messages.push({
            id: last,
            conversation_id: id,
            seq,
            sender_type: seq % 2 ? "contact" : "agent",
            sender_id: null,
            sender_name: null,
            type: "text",
            content: JSON.stringify({ text: messageText(n) }),
            state: "complete",
            idempotency_key: null,
            created_at: at,
          });
        }
        convs.push(
          newConversationRow(at, {
            id,
            site_id: siteId,
            channel: "api",
            status: i % 4 ? "open" : "solved",
            last_seq: perConversation,
            last_message_id: last,
          }),
        );
      }
      await trx.insertInto("conversations").values(convs).execute();
      for (let m = 0; m < messages.length; m += 500)
        await trx
          .insertInto("messages")
          .values(messages.slice(m, m + 500).map((row) => withSearchColumns(trx, row)))
          .execute();
      await indexInsertedMessages(trx, messages);
    });
  }
  return ids;
}

async function searchLatencies(ctx: Ctx, q: string): Promise<{ p50: number; p99: number; found: number }> {
  const admin: Principal = { kind: "token", tokenId: "tok_bench", siteId: null, name: "bench" };
  const query = SearchQuery.parse({ q, limit: "20" });
  const times: number[] = [];
  let found = 0;
  for (let i = 0; i < queries + 5; i++) {
    const t = performance.now();
    const page = await searchConversations(ctx, admin, query);
    if (i >= 5) times.push(performance.now() - t);
    found = page.items.length;
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), found };
}

/** Messages through the write path (postMessage: one transaction each, as the API stores them), with the index on or off. */
async function writeRound(ctx: Ctx, conversationIds: string[], count: number, index: boolean) {
  const admin: Principal = { kind: "token", tokenId: "tok_bench", siteId: null, name: "bench" };
  messageIndexing.enabled = index;
  const t = performance.now();
  try {
    for (let i = 0; i < count; i++) {
      const conversationId = conversationIds[i % conversationIds.length]!;
      await postMessage(ctx, admin, conversationId, { type: "text", content: { text: messageText(i) } });
    }
  } finally {
    messageIndexing.enabled = true;
  }
  return (performance.now() - t) / 1000;
}

async function run(kind: "sqlite" | "postgres"): Promise<string> {
  const { store, drop } = await freshStore(kind, "search");
  try {
    const ctx: Ctx = {
      db: store.db,
      dialect: store.dialect,
      bus: new EventBus(),
      now: () => new Date().toISOString(),
      publicUrl: "http://localhost",
    };
    const siteId = await benchSite(store);
    const loadStart = performance.now();
    const ids = await load(ctx, siteId);
    await sql`analyze`.execute(store.db);
    const loadSeconds = (performance.now() - loadStart) / 1000;
    console.error(`${kind}: loaded ${totalMessages} messages in ${fmt(loadSeconds)} s`);

    const rows: string[][] = [];
    for (const [label, q] of [
      [`rare word (“${RARE}”)`, RARE],
      ["common word (“refund”)", "refund"],
      ["prefix (“deliv”)", "deliv"],
    ] as const) {
      const r = await searchLatencies(ctx, q);
      rows.push([label, fmt(r.p50, 2), fmt(r.p99, 2), String(r.found)]);
    }

    // Alternating rounds with and without the index, so that both see the same machine.
    const targets = ids.slice(0, 50);
    const rounds = 10;
    const round = Math.max(20, Math.floor(writes / rounds));
    let withSeconds = 0;
    let withoutSeconds = 0;
    await writeRound(ctx, targets, 100, true); // warm-up
    for (let r = 0; r < rounds; r++) {
      withoutSeconds += await writeRound(ctx, targets, round, false);
      withSeconds += await writeRound(ctx, targets, round, true);
    }
    const without = (rounds * round) / withoutSeconds;
    const withIndex = (rounds * round) / withSeconds;
    return [
      table(
        [
          `${kind === "sqlite" ? "SQLite" : "PostgreSQL"}: search, ${totalMessages} messages`,
          "p50 ms",
          "p99 ms",
          "results",
        ],
        rows,
      ),
      "",
      table(
        ["write path (postMessage, one transaction each)", "messages/s"],
        [
          ["without the index", fmt(without, 0)],
          ["with the index", fmt(withIndex, 0)],
          ["cost of the index", `${fmt((1 - withIndex / without) * 100)} %`],
        ],
      ),
    ].join("\n");
  } finally {
    await store.close();
    await drop();
  }
}

const out: string[] = [
  `${new Date().toISOString().slice(0, 10)}, ${os.cpus().length} cores (${os.cpus()[0]?.model.trim()}), Node ${process.versions.node}; ` +
    `${totalMessages} messages in ${Math.ceil(totalMessages / perConversation)} conversations, ${queries} searches per row, ` +
    `${writes} writes per side`,
  "",
];
if (args["no-sqlite"] === undefined) out.push(await run("sqlite"));
if (args["no-postgres"] === undefined) {
  out.push("");
  try {
    out.push(await run("postgres"));
  } catch (err) {
    out.push(`PostgreSQL not measured: ${(err as Error).message}`);
  }
}
console.log(out.join("\n"));
