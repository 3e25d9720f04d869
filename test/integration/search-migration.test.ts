import { afterAll, describe, expect, it } from "vitest";
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Migration } from "kysely";
import SQLite from "better-sqlite3";
import pg from "pg";
import { databases } from "../helpers/services.ts";
import { freshDatabaseUrl, startTestServer } from "../helpers/server.ts";
import { core } from "../../server/store/migrations/0001-core.ts";
import { webhooks } from "../../server/store/migrations/0002-webhooks.ts";
import { files } from "../../server/store/migrations/0003-files.ts";
import { originsFromEnv } from "../../server/store/migrations/0004-origins-from-env.ts";
import { roles } from "../../server/store/migrations/0005-roles.ts";

/**
 * A database written by a release before search: the migration that adds the index (0008)
 * indexes what is already there, so that old conversations are found after the upgrade.
 */
const before: Record<string, Migration> = {
  "0001_core": core,
  "0002_webhooks": webhooks,
  "0003_files": files,
  "0004_origins_from_env": originsFromEnv,
  "0005_roles": roles,
};

async function openRaw(url: string): Promise<Kysely<any>> {
  if (url.startsWith("sqlite:"))
    return new Kysely({ dialect: new SqliteDialect({ database: new SQLite(url.slice(7)) }) });
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema")!;
  parsed.searchParams.delete("schema");
  const pool = new pg.Pool({ connectionString: parsed.toString(), options: `-c search_path=${schema}` });
  await pool.query(`create schema if not exists ${schema}`);
  return new Kysely({ dialect: new PostgresDialect({ pool }) });
}

for (const db of databases()) {
  describe.skipIf(!db.available)(`search index migration (${db.name})`, () => {
    const drops: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const drop of drops) await drop();
    });

    it("indexes the conversations, messages and contacts stored before it", async () => {
      const fresh = await freshDatabaseUrl(db.name);
      const raw = await openRaw(fresh.url);
      const schema = db.name === "postgres" ? new URL(fresh.url).searchParams.get("schema")! : undefined;
      const migrator = new Migrator({
        db: raw,
        provider: { getMigrations: async () => before },
        ...(schema ? { migrationTableSchema: schema } : {}),
      });
      const { error } = await migrator.migrateToLatest();
      expect(error).toBeUndefined();
      const now = new Date().toISOString();
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
      await raw
        .insertInto("contacts")
        .values({
          id: "ct_old",
          site_id: "site_old",
          name: "Gunnel Äldre",
          metadata: "{}",
          created_at: now,
          updated_at: now,
        })
        .execute();
      await raw
        .insertInto("conversations")
        .values({
          id: "conv_old",
          site_id: "site_old",
          contact_id: "ct_old",
          status: "open",
          priority: "normal",
          channel: "api",
          topic: "Legacy topic",
          metadata: "{}",
          last_seq: 1,
          last_message_id: "msg_old",
          created_at: now,
          updated_at: now,
        })
        .execute();
      await raw
        .insertInto("conversation_tags")
        .values({ conversation_id: "conv_old", tag: "heirloom", created_at: now })
        .execute();
      await raw
        .insertInto("messages")
        .values({
          id: "msg_old",
          conversation_id: "conv_old",
          seq: 1,
          sender_type: "contact",
          type: "text",
          content: JSON.stringify({ text: "An old question about the gazebo" }),
          state: "complete",
          created_at: now,
        })
        .execute();
      await sql`select 1`.execute(raw);
      await raw.destroy();

      const s = await startTestServer({ databaseUrl: fresh.url });
      drops.push(async () => {
        await s.close();
        await fresh.drop();
      });
      for (const q of ["gazebo", "legacy", "heirloom", "aldre"]) {
        const res = await s.api("GET", `/v1/search?q=${q}`);
        expect(res.status, q).toBe(200);
        expect(
          res.body.items.map((i: any) => i.conversation.id),
          q,
        ).toEqual(["conv_old"]);
      }
      const found = (await s.api("GET", "/v1/search?q=gazebo")).body.items[0].matches[0];
      expect(found).toMatchObject({ messageId: "msg_old", seq: 1 });
      expect((await s.api("GET", "/v1/contacts?q=gunnel")).body.items.map((c: any) => c.id)).toEqual(["ct_old"]);
    });
  });
}
