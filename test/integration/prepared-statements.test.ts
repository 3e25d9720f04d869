import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { openStore, type Store } from "../../server/store/db.ts";
import { prepared, preparedName } from "../../server/store/prepared.ts";
import { freshDatabaseUrl } from "../helpers/server.ts";
import { databases, services } from "../helpers/services.ts";
import { pgProxy } from "../helpers/pg-proxy.ts";

/** Values that a text array literal (PostgreSQL) or JSON (SQLite) must carry through unchanged. */
const awkward = ["plain", "it's", 'say "hi"', "back\\slash", "{braces}", "a,b", "NULL", "", " padded ", "ünï 💬"];

const echoRows = prepared<{ rows: { s: string | null; n: number | null }[] }, { s: string | null; n: number | null }>(
  (_db, b) => sql`select s, n from (${b.rows("rows", { s: "text", n: "integer" })}) as v`,
);
/** A table of this test's own (kysely's typed tables are the application's). */
const scratchIds = prepared<{ ids: string[] }, { id: string }>(
  (_db, b) => sql`select id from scratch where ${b.oneOf("id", "ids", "text")} order by id`,
);
const scratch = async (store: Store, ...ids: string[]) => {
  await sql`create table if not exists scratch (id text primary key)`.execute(store.db);
  for (const id of ids) await sql`insert into scratch (id) values (${id})`.execute(store.db);
};

describe.each(databases())("prepared statements on $name", ({ name, available }) => {
  describe.skipIf(!available)("", () => {
    let fresh: { url: string; drop(): Promise<void> };
    let store: Store;

    beforeAll(async () => {
      fresh = await freshDatabaseUrl(name);
      store = await openStore(fresh.url);
    });
    afterAll(async () => {
      await store?.close();
      await fresh?.drop();
    });

    it("binds rows of any length to the one compiled text, in order, values unchanged", async () => {
      const rows = awkward.map((s, i) => ({ s, n: i % 3 === 0 ? null : i * 1000 }));
      expect(await echoRows.execute(store.db, { rows })).toEqual(rows);
      expect(await echoRows.execute(store.db, { rows: [{ s: null, n: 7 }] })).toEqual([{ s: null, n: 7 }]);
      expect(await echoRows.execute(store.db, { rows: [] })).toEqual([]);
    });

    it("answers what the same query built anew answers, for lists of every length", async () => {
      await scratch(store, ...awkward);
      for (const ids of [[], [awkward[1]!], awkward.slice(0, 3), [...awkward, "no such"]]) {
        const expected = ids.length
          ? (
              await sql<{ id: string }>`select id from scratch where id in (${sql.join(ids)}) order by id`.execute(
                store.db,
              )
            ).rows
          : [];
        expect(await scratchIds.execute(store.db, { ids })).toEqual(expected);
      }
    });

    it("runs inside a transaction and sees its uncommitted rows", async () => {
      await store.db
        .transaction()
        .execute(async (trx) => {
          await sql`insert into scratch (id) values ('in_trx')`.execute(trx);
          expect(await scratchIds.execute(trx, { ids: ["in_trx"] })).toEqual([{ id: "in_trx" }]);
          throw new Error("roll back");
        })
        .catch(() => {});
      expect(await scratchIds.execute(store.db, { ids: ["in_trx"] })).toEqual([]);
    });
  });
});

describe.skipIf(!services.postgresUrl)("prepared statements on PostgreSQL connections", () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const fn of cleanup.reverse()) await fn();
  });

  /** A store whose pool has one connection, so that what that connection prepared can be asked. */
  async function onePooled(url: string): Promise<Store> {
    const before = process.env.PARLEY_DB_POOL;
    process.env.PARLEY_DB_POOL = "1";
    try {
      const store = await openStore(url);
      cleanup.push(() => store.close());
      return store;
    } finally {
      if (before === undefined) delete process.env.PARLEY_DB_POOL;
      else process.env.PARLEY_DB_POOL = before;
    }
  }
  const preparedHere = async (store: Store) =>
    (await sql<{ name: string }>`select name from pg_prepared_statements`.execute(store.db)).rows.map((r) => r.name);
  /** The names of the statements registered by `prepared` that this store's connection prepared. */
  const preparedByUs = async (store: Store) => {
    const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(store.db);
    return rows.map((r) => preparedName(r.statement)).filter((n) => n !== undefined);
  };

  it("sends the statement by name, and each schema's connection reads its own tables", async () => {
    const a = await freshDatabaseUrl("postgres");
    const b = await freshDatabaseUrl("postgres");
    cleanup.push(a.drop, b.drop);
    const [storeA, storeB] = [await onePooled(a.url), await onePooled(b.url)];
    await scratch(storeA, "in_a");
    await scratch(storeB, "in_b");
    for (let i = 0; i < 3; i++) {
      expect(await scratchIds.execute(storeA.db, { ids: ["in_a", "in_b"] })).toEqual([{ id: "in_a" }]);
      expect(await scratchIds.execute(storeB.db, { ids: ["in_a", "in_b"] })).toEqual([{ id: "in_b" }]);
    }
    const names = await preparedByUs(storeA);
    expect(names.length).toBeGreaterThan(0);
    expect(await preparedHere(storeB)).toEqual(expect.arrayContaining(names));
  });

  it("prepares again on a new connection after the old one dropped", async () => {
    const target = new URL(services.postgresUrl!);
    const proxy = await pgProxy(target);
    cleanup.push(proxy.close);
    const fresh = await freshDatabaseUrl("postgres");
    cleanup.push(fresh.drop);
    const url = new URL(fresh.url);
    url.host = `127.0.0.1:${proxy.port}`;
    const store = await onePooled(url.toString());
    await scratch(store, "kept");
    expect(await scratchIds.execute(store.db, { ids: ["kept"] })).toEqual([{ id: "kept" }]);

    await proxy.cut();
    await proxy.restore();
    // The pool learns of the dropped connection by using it: at most that one query fails.
    const first = await scratchIds.execute(store.db, { ids: ["kept"] }).catch((err: Error) => err);
    if (first instanceof Error) expect(first.message).toMatch(/terminated|closed|ECONNRESET|not queryable/i);
    else expect(first).toEqual([{ id: "kept" }]);
    expect(await scratchIds.execute(store.db, { ids: ["kept"] })).toEqual([{ id: "kept" }]);
    expect((await preparedByUs(store)).length).toBeGreaterThan(0);
  });

  it("falls back to unnamed statements on a connection whose prepared result columns changed", async () => {
    const fresh = await freshDatabaseUrl("postgres");
    cleanup.push(fresh.drop);
    const store = await onePooled(fresh.url);
    await scratch(store, "x");
    const everything = prepared<{ ids: string[] }, Record<string, unknown>>(
      (_db, b) => sql`select * from scratch where ${b.oneOf("id", "ids", "text")} and true`,
    );
    expect(await everything.execute(store.db, { ids: ["x"] })).toEqual([{ id: "x" }]);
    // Another node's migration adds a column under the prepared `select *`.
    await sql`alter table scratch add column extra text`.execute(store.db);
    const refused = await everything.execute(store.db, { ids: ["x"] }).catch((err: { code?: string }) => err);
    expect(refused).toMatchObject({ code: "0A000" });
    expect(await everything.execute(store.db, { ids: ["x"] })).toEqual([{ id: "x", extra: null }]);
  });
});
