import { createHash } from "node:crypto";
import pg from "pg";
import {
  CompiledQuery,
  PostgresAdapter,
  sql,
  type Compilable,
  type Kysely,
  type RawBuilder,
  type Transaction,
} from "kysely";
import type { Database } from "./tables.ts";

/**
 * Compile once, bind many: a statement of the hot path is built and compiled by kysely once per
 * database dialect, with placeholders where its arguments go, and every call only binds the
 * arguments to that SQL text. Lists and rows are bound as *one* parameter each (PostgreSQL
 * arrays, SQLite JSON), so the text is the same whatever their length. On PostgreSQL the text is
 * also registered under a name and sent as a named prepared statement (`PreparingClient` in
 * db.ts): each connection parses and plans it once. On SQLite the statement cache (db.ts) keeps
 * it prepared.
 */

type Db = Kysely<Database> | Transaction<Database>;
export type ColumnType = "text" | "integer";

/** Where an argument goes, in the compiled parameters; replaced by its value at each call. */
class Slot {
  constructor(
    readonly key: string,
    readonly bind: (value: unknown, postgres: boolean) => unknown,
  ) {}
}

const asIs = (value: unknown) => value;
const asList = (value: unknown, postgres: boolean) => (postgres ? value : JSON.stringify(value));

export interface Binder<A> {
  readonly postgres: boolean;
  /** The argument `key`, as a bound value. */
  arg<K extends keyof A & string>(key: K): A[K];
  /** `column` is one of the values of the list argument `key` (the same text whatever its length). */
  oneOf(column: string, key: keyof A & string, type: ColumnType): RawBuilder<boolean>;
  /**
   * The row objects of the argument `key` as a SELECT of `columns`, in the rows' order (for
   * `INSERT … SELECT` and `WITH v AS (…) UPDATE … FROM v`).
   */
  rows(key: keyof A & string, columns: Record<string, ColumnType>): RawBuilder<unknown>;
}

function binder<A>(postgres: boolean): Binder<A> {
  return {
    postgres,
    arg: (key) => new Slot(key, asIs) as never,
    oneOf(column, key, type) {
      const list = new Slot(key, asList);
      return postgres
        ? sql<boolean>`${sql.ref(column)} = any(cast(${list} as ${sql.raw(type)}[]))`
        : sql<boolean>`${sql.ref(column)} in (select value from json_each(${list}))`;
    },
    rows(key, columns) {
      const cols = Object.keys(columns);
      const ids = sql.join(cols.map((n) => sql.id(n)));
      if (postgres) {
        // One array per column; unnest zips them back into rows, numbered in order.
        const arrays = Object.entries(columns).map(([name, type]) => {
          const slot = new Slot(key, (rows) => (rows as Record<string, unknown>[]).map((r) => r[name] ?? null));
          return sql`cast(${slot} as ${sql.raw(type)}[])`;
        });
        const ordered = sql`with ordinality as v(${ids}, row_order_) order by row_order_`;
        return sql`select ${ids} from unnest(${sql.join(arrays)}) ${ordered}`;
      }
      const slot = new Slot(key, (rows) =>
        JSON.stringify((rows as Record<string, unknown>[]).map((r) => cols.map((n) => r[n] ?? null))),
      );
      const picks = cols.map((n, i) => sql`json_extract(value, ${sql.raw(`'$[${i}]'`)}) as ${sql.id(n)}`);
      return sql`select ${sql.join(picks)} from json_each(${slot}) order by key`;
    },
  };
}

/** PostgreSQL statement names by SQL text: the statements that `PreparingClient` sends by name. */
const names = new Map<string, string>();

/** The name under which this SQL text is prepared on PostgreSQL, if it is one of the prepared statements. */
export function preparedName(text: string): string | undefined {
  return names.get(text);
}

/**
 * pg's client, sending the texts registered by `prepared` as named statements (pg parses a name
 * once per connection; a new connection prepares it again). PostgreSQL refuses a prepared
 * statement whose result columns changed under it (another node added a column to a table it
 * selects `*` from): that client then sends everything unnamed, as pg does by default.
 */
export class PreparingClient extends pg.Client {
  #unnamed = false;

  override query(...args: unknown[]): never {
    const [text, values] = args;
    const name = typeof text === "string" && !this.#unnamed ? names.get(text) : undefined;
    const run = super.query as (...a: unknown[]) => unknown;
    if (!name || !Array.isArray(values) || args.length > 2) return run.apply(this, args) as never;
    return (run.call(this, { name, text, values }) as Promise<unknown>).catch((err: unknown) => {
      if ((err as { code?: string }).code === "0A000") this.#unnamed = true;
      throw err;
    }) as never;
  }
}

type Built<R> = Compilable<R> | RawBuilder<R>;

export interface Prepared<A, R> {
  /** Runs the statement with these arguments (in `db`'s transaction, if it is one). */
  execute(db: Db, args: A): Promise<R[]>;
}

/**
 * A statement compiled once per dialect: `build` is called at the first use on each dialect, with
 * a query builder and a binder whose placeholders stand for the arguments.
 */
export function prepared<A, R>(build: (db: Db, b: Binder<A>) => Built<R>): Prepared<A, R> {
  const compiled = new Map<boolean, CompiledQuery<R>>();
  const compile = (db: Db, postgres: boolean): CompiledQuery<R> => {
    const built = build(db, binder<A>(postgres));
    const query = "isRawBuilder" in built ? built.compile(db) : built.compile();
    if (postgres) names.set(query.sql, `parley_${createHash("sha1").update(query.sql).digest("hex").slice(0, 20)}`);
    return query;
  };
  return {
    async execute(db, args) {
      const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
      let query = compiled.get(postgres);
      if (!query) compiled.set(postgres, (query = compile(db, postgres)));
      const values = args as Record<string, unknown>;
      const parameters = query.parameters.map((p) => (p instanceof Slot ? p.bind(values[p.key], postgres) : p));
      const result = await db.executeQuery<R>(CompiledQuery.raw(query.sql, parameters));
      return result.rows;
    },
  };
}

/**
 * `INSERT INTO table` of one row: every column (`columns` names each one, so that a column added
 * to the table and not here fails to compile) bound from the row's value of that name.
 */
export function preparedInsert<T extends keyof Database & string>(
  table: T,
  columns: Record<keyof Database[T], true>,
): Prepared<{ [K in keyof Database[T]]: unknown }, never> {
  const names = Object.keys(columns);
  return prepared<{ [K in keyof Database[T]]: unknown }, never>(
    (db, b) =>
      db.insertInto(table).values(Object.fromEntries(names.map((c) => [c, b.arg(c as never)])) as never) as never,
  );
}
