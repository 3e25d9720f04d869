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
