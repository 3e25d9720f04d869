import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import pg from "pg";
import { Kysely, PostgresDialect, SqliteDialect, sql, type SqliteDatabase } from "kysely";
import type { Database } from "./tables.ts";
import { migrate } from "./migrations/index.ts";
import { PreparingClient } from "./prepared.ts";

export type Dialect = "sqlite" | "postgres";

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  /** Cheap round trip for /readyz. */
  ping(): Promise<void>;
  /**
   * Runs `fn` while no other process that opened this database runs its own `exclusive` section:
   * nodes starting at once on an empty database migrate it and create its first rows one at a
   * time. (PostgreSQL: a session advisory lock per schema. SQLite: one process owns the file.)
   */
  exclusive<T>(fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Opens the database named by `url` and brings its schema up to date.
 * `sqlite:./data/parley.sqlite` (or `sqlite::memory:`) → better-sqlite3 in WAL mode;
 * `postgres://…` → a pg pool; a `?schema=name` parameter puts every table in that schema
 * (created when missing), so that test runs never collide.
 */
export async function openStore(url: string): Promise<Store> {
  const store =
    url.startsWith("postgres://") || url.startsWith("postgresql://") ? await openPostgres(url) : openSqlite(url);
  try {
    await store.exclusive(() => migrate(store.db));
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}

function openSqlite(url: string): Store {
  const file = url.replace(/^sqlite:(\/\/)?/, "");
  if (file !== ":memory:") fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const database = new SQLite(file);
  database.pragma("journal_mode = WAL");
  database.pragma("synchronous = NORMAL");
  database.pragma("foreign_keys = ON");
  database.pragma("busy_timeout = 5000");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  return {
    db,
    dialect: "sqlite",
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    exclusive: (fn) => fn(),
    close: () => db.destroy(),
  };
}

/**
 * kysely prepares every statement anew, and preparing costs more than running most of Parley's
 * queries; better-sqlite3 statements can be run again, so the most recently used ones are kept.
 * (Nothing streams rows with iterate(), which is the one use a shared statement cannot serve.)
 */
function withStatementCache(database: SQLite.Database, size = 500): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql);
      if (stmt) {
        cache.delete(sql);
      } else {
        stmt = database.prepare(sql);
        if (cache.size >= size) cache.delete(cache.keys().next().value!);
      }
      cache.set(sql, stmt);
      return stmt;
    },
  };
}

async function openPostgres(url: string): Promise<Store> {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema");
  parsed.searchParams.delete("schema");
  if (schema && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw new Error(`invalid schema name in DATABASE_URL: ${schema}`);
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    max: Number(process.env.PARLEY_DB_POOL ?? 10),
    // Sends the hot path's statements (prepared.ts) as named prepared statements.
    Client: PreparingClient,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  // A dropped connection must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  // A checked-out client has no listener of the pool's: its connection dropping mid-query
  // rejects that query, and must not also throw out of the process.
  pool.on("connect", (client) => client.on("error", () => {}));
  const exclusive = async <T>(fn: () => Promise<T>): Promise<T> => {
    // Held by a connection of its own while `fn` works through the pool (which may be of one).
    const client = new pg.Client({ connectionString: parsed.toString() });
    client.on("error", () => {});
    await client.connect();
    try {
      await client.query("select pg_advisory_lock($1, hashtext($2))", [startLockClass, schema ?? "public"]);
      return await fn();
    } finally {
      // Ending the session releases its advisory lock.
      await client.end();
    }
  };
  if (schema) await exclusive(() => pool.query(`create schema if not exists ${schema}`));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: "postgres",
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    exclusive,
    close: () => db.destroy(),
  };
}

/** The first key of Parley's start lock (pg_advisory_lock(class, hashtext(schema))): "PRLY". */
const startLockClass = 0x50524c59;

/** True for a unique-constraint violation in either database. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string } | null;
  return e?.code === "23505" || e?.code === "SQLITE_CONSTRAINT_UNIQUE" || e?.code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/**
 * PostgreSQL aborted the transaction to break a deadlock (or a serialization conflict): running it
 * again is the answer. (A visitor's first send holds the visitor's row and waits for its contact
 * while an erasure holds the contact and waits for the visitor.)
 */
export function isDeadlock(err: unknown): boolean {
  const e = err as { code?: string } | null;
  return e?.code === "40P01" || e?.code === "40001";
}

/** A row referred to something that another transaction deleted meanwhile (a contact being erased). */
export function isForeignKeyViolation(err: unknown): boolean {
  const e = err as { code?: string } | null;
  return e?.code === "23503" || e?.code === "SQLITE_CONSTRAINT_FOREIGNKEY";
}
