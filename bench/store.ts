import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { openStore, type Store } from "../server/store/db.ts";

/** The command line's `--name=value` options (`--flag` alone: "true"). */
export function benchArgs(): Record<string, string> {
  return Object.fromEntries(
    process.argv.slice(2).map((a) => {
      const [k, v] = a.replace(/^--/, "").split("=");
      return [k!, v ?? "true"];
    }),
  );
}

/** PostgreSQL for benchmarks: PARLEY_BENCH_PG_URL, else the test suite's, else the local test database. */
export const benchPgUrl =
  process.env.PARLEY_BENCH_PG_URL || process.env.PARLEY_TEST_PG_URL || "postgres://root@127.0.0.1:5432/test";

/**
 * A fresh, migrated store for one benchmark: SQLite in a temporary folder, or PostgreSQL in a
 * schema of its own; `drop` removes it.
 */
export async function freshStore(
  kind: "sqlite" | "postgres",
  name: string,
): Promise<{ store: Store; drop(): Promise<void> }> {
  if (kind === "sqlite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `parley-bench-${name}-`));
    const store = await openStore(`sqlite:${path.join(dir, "parley.sqlite")}`);
    return { store, drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `bench_${crypto.randomBytes(4).toString("hex")}`;
  const url = new URL(benchPgUrl);
  url.searchParams.set("schema", schema);
  const store = await openStore(url.toString());
  return {
    store,
    drop: async () => {
      const client = new pg.Client({ connectionString: benchPgUrl });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

/** The store's site, or a bench site created in it when it has none; answers its id. */
export async function benchSite(store: Store): Promise<string> {
  const site = await store.db.selectFrom("sites").select("id").executeTakeFirst();
  if (site) return site.id;
  const now = new Date().toISOString();
  await store.db
    .insertInto("sites")
    .values({
      id: "site_bench",
      name: "Bench",
      site_key: `pk_${crypto.randomBytes(8).toString("hex")}`,
      allowed_origins: "[]",
      theme: "{}",
      greeting: null,
      identity_secret: null,
      is_default: 1,
      origins_from_env: 0,
      business_hours: null,
      away_message: null,
      reply_time: "minutes",
      assignment: JSON.stringify({ mode: "manual", maxOpen: 5 }),
      visitor_context: JSON.stringify({ queryStrings: false }),
      created_at: now,
      updated_at: now,
    })
    .execute();
  return "site_bench";
}
