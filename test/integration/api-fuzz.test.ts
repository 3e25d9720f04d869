import crypto from "node:crypto";
import http from "node:http";
import Database from "better-sqlite3";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorCodes } from "../../shared/errors.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { fuzzSeeds } from "../helpers/fuzz.ts";
import { operations, requestOf, type FuzzRequest } from "./openapi-arbitraries.ts";

/**
 * The REST fuzzer (docs/security.md): requests drawn from the OpenAPI document — valid,
 * near-valid and hostile, as the admin token, no one or a forged token — at least 20,000 per
 * run over two seeds. Every answer is below 500 and holds no stack trace; every refusal is the
 * contract's envelope with the status of its code and leaves the store exactly as it was.
 */

const RUNS_PER_SEED = Number(process.env.PARLEY_FUZZ_RUNS ?? 10_000);
/** Written by background workers, not by the request: their cursors, delivery attempts and job leases. */
const background = new Set([
  "event_consumers",
  "webhook_deliveries",
  "email_outbox",
  "job_leases",
  // The reports consumer's projection of what the setup wrote.
  "report_conversations",
  "report_changes",
]);
/** A token's last use is recorded whatever its request asked (at most once a minute). */
const volatileColumns: Record<string, string[]> = { api_tokens: ["last_used_at"] };
const stackTrace = /\n\s+at .+:\d+:\d+|node_modules|\/server\/[\w/-]+\.ts/;

let server: TestServer;
let store: Database.Database;
let doc: any;
const ids: string[] = [];

/** A digest of every table the API writes, read through a connection of its own. */
function digest(): string {
  const hash = crypto.createHash("sha256");
  const tables = store
    .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")
    .pluck()
    .all() as string[];
  for (const table of tables) {
    if (background.has(table)) continue;
    const columns = (store.prepare(`select name from pragma_table_info('${table}')`).pluck().all() as string[])
      .filter((c) => !volatileColumns[table]?.includes(c))
      .map((c) => `"${c}"`);
    hash.update(`\n${table}:`);
    const rows = (
      store
        .prepare(`select ${columns.join(", ")} from "${table}"`)
        .raw()
        .all() as unknown[][]
    ).map((r) => JSON.stringify(r, (_k, v) => (Buffer.isBuffer(v) ? v.toString("hex") : v)));
    for (const row of rows.sort()) hash.update(row);
  }
  return hash.digest("hex");
}
const dataVersion = () => store.pragma("data_version", { simple: true }) as number;

beforeAll(async () => {
  server = await startTestServer({ db: "sqlite" });
  store = new Database(server.databaseUrl.replace(/^sqlite:/, ""), { readonly: true, fileMustExist: true });
  doc = await (await fetch(`${server.url}/v1/openapi.json`)).json();
  // Real ids for path parameters, so that requests reach the domain and not only the 404s.
  const site = (await server.api("GET", "/v1/sites")).body.items[0];
  const created = await server.api("POST", "/v1/conversations", {
    siteId: site.id,
    contact: { name: "Fuzz Target", email: "target@example.com", externalId: "fuzz-1" },
    message: { type: "text", content: { text: "a first message" } },
  });
  const conversation = created.body;
  const messages = (await server.api("GET", `/v1/conversations/${conversation.id}/messages`)).body.items;
  const agent = await server.api("POST", "/v1/agents", {
    name: "Fuzz Agent",
    email: "fuzz.agent@example.com",
    password: "a long enough password",
  });
  const canned = await server.api("POST", "/v1/canned-responses", {
    shortcut: "fuzz",
    title: "Fuzz",
    message: { type: "text", content: { text: "hi" } },
  });
  ids.push(site.id, conversation.id, conversation.contact.id, agent.body.id, canned.body.id, messages[0].id, "support");
  expect(ids.every(Boolean)).toBe(true);
}, 60_000);
afterAll(async () => {
  agent.destroy();
  store?.close();
  await server?.close();
});

const tally = { requests: 0, refused: 0, accepted: 0, byStatus: new Map<number, number>() };

/** One keep-alive connection: the requests go one after another, each checked before the next. */
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function send(req: FuzzRequest): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const length = req.body === undefined ? {} : { "content-length": String(Buffer.byteLength(req.body)) };
    const headers = { ...req.headers, ...length };
    const out = http.request(server.url + req.path, { method: req.method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    out.on("error", reject);
    out.end(req.body);
  });
}

describe("REST fuzzer over the OpenAPI document", () => {
  for (const { label, seed } of fuzzSeeds("REST fuzz", 2015)) {
    it(`answers ${RUNS_PER_SEED} generated requests below 500, without stack traces, refusals changing nothing, ${label}`, async () => {
      const ops = operations(doc);
      expect(ops.length).toBeGreaterThan(40);
      // Each operation's arbitrary built once, not per request.
      const request = fc.oneof(...ops.map((op) => requestOf(doc, op, ids, server.token)));
      let knownVersion = dataVersion();
      let known = digest();
      await fc.assert(
        fc.asyncProperty(request, async (req) => {
          // Whatever was written since (accepted requests, background workers) is the state before this one.
          if (dataVersion() !== knownVersion) {
            knownVersion = dataVersion();
            known = digest();
          }
          const { status, text } = await send(req);
          tally.requests++;
          tally.byStatus.set(status, (tally.byStatus.get(status) ?? 0) + 1);
          const where = `${req.label} → ${status}: ${req.method} ${req.path.slice(0, 200)} ${req.body?.slice(0, 200) ?? ""}`;
          expect(status, where).toBeLessThan(500);
          expect(text, where).not.toMatch(stackTrace);
          if (status < 400) return void tally.accepted++;
          tally.refused++;
          let body: unknown = null;
          expect(() => (body = JSON.parse(text)), `not JSON: ${text.slice(0, 200)} ${where}`).not.toThrow();
          expect(body, where).toMatchObject({ error: { message: expect.any(String), details: expect.any(Array) } });
          expect(errorCodes[(body as any).error.code as keyof typeof errorCodes], where).toBe(status);
          if (dataVersion() !== knownVersion) expect(digest(), `the store changed: ${where}`).toBe(known);
        }),
        { seed, numRuns: RUNS_PER_SEED, endOnFailure: true },
      );
    }, 300_000);
  }

  it("sent at least 20,000 requests, most of them refused and some accepted", () => {
    console.log(
      `REST fuzz: ${tally.requests} requests, ${tally.accepted} accepted, ${tally.refused} refused;`,
      Object.fromEntries([...tally.byStatus].sort(([a], [b]) => a - b)),
    );
    expect(tally.requests).toBeGreaterThanOrEqual(Math.min(20_000, RUNS_PER_SEED * 2));
    expect(tally.accepted).toBeGreaterThan(0);
    expect(tally.refused).toBeGreaterThan(tally.accepted);
  });
});
