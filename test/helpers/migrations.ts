import { Kysely, Migrator, PostgresDialect, SqliteDialect } from "kysely";
import SQLite from "better-sqlite3";
import pg from "pg";
import { migrations } from "../../server/store/migrations/index.ts";
import { freshDatabaseUrl, startTestServer, type TestServer } from "./server.ts";

/**
 * A database as an earlier release left it: `url` (from freshDatabaseUrl) opened without Parley's
 * store and migrated up to the migration named `last` only; a later startTestServer or openStore
 * on the same url runs the rest, as an upgrade would.
 */
export async function migratedUpTo(url: string, last: string): Promise<Kysely<any>> {
  let raw: Kysely<any>;
  let schema: string | undefined;
  if (url.startsWith("sqlite:")) {
    raw = new Kysely({ dialect: new SqliteDialect({ database: new SQLite(url.slice(7)) }) });
  } else {
    const parsed = new URL(url);
    schema = parsed.searchParams.get("schema")!;
    parsed.searchParams.delete("schema");
    const pool = new pg.Pool({ connectionString: parsed.toString(), options: `-c search_path=${schema}` });
    await pool.query(`create schema if not exists ${schema}`);
    raw = new Kysely({ dialect: new PostgresDialect({ pool }) });
  }
  const upTo = Object.fromEntries(Object.entries(migrations).filter(([name]) => name <= last));
  const migrator = new Migrator({
    db: raw,
    provider: { getMigrations: async () => upTo },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
  return raw;
}

/** The site an earlier release's database holds (`site_old`, key `pk_old`), written straight into `raw`. */
export async function insertOldSite(raw: Kysely<any>, now: string): Promise<void> {
  await raw
    .insertInto("sites")
    .values({
      id: "site_old",
      name: "Old",
      site_key: "pk_old",
      allowed_origins: "[]",
      theme: "{}",
      is_default: 1,
      origins_from_env: 0,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

/**
 * A fresh database as an earlier release left it (migrated up to `last`), to write its rows into
 * through `raw`; `upgrade` closes `raw` and starts Parley on it, which runs the later migrations;
 * `drop` stops that Parley and removes the database.
 */
export async function oldRelease(db: "sqlite" | "postgres", last: string) {
  const fresh = await freshDatabaseUrl(db);
  const raw = await migratedUpTo(fresh.url, last);
  let server: TestServer | undefined;
  return {
    raw,
    upgrade: async (): Promise<TestServer> => {
      await raw.destroy();
      return (server = await startTestServer({ databaseUrl: fresh.url }));
    },
    drop: async () => {
      await server?.close();
      await fresh.drop();
    },
  };
}
