import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { openStore, isUniqueViolation, type Store } from "../../server/store/db.ts";
import { EventBus, type DomainEvent } from "../../server/events/bus.ts";
import { isoNow, write, type Ctx, type Principal } from "../../server/domain/context.ts";
import { ensureDefaultSite } from "../../server/domain/sites.ts";
import { createConversation, getConversation } from "../../server/domain/conversations.ts";
import { newConversationRow } from "../../server/domain/conversation-create.ts";
import { listMessages, postMessage } from "../../server/domain/messages.ts";
import { freshDatabaseUrl } from "../helpers/server.ts";
import { databases } from "../helpers/services.ts";

/** The store and the one write path, on each database, without HTTP in between. */
describe.each(databases())("storage on $name", ({ name, available }) => {
  describe.skipIf(!available)("", () => {
    let fresh: { url: string; drop(): Promise<void> };
    let store: Store;
    let ctx: Ctx;
    const events: DomainEvent[] = [];
    const system: Principal = { kind: "system" };

    beforeAll(async () => {
      fresh = await freshDatabaseUrl(name);
      store = await openStore(fresh.url);
      const bus = new EventBus();
      bus.subscribe((e) => events.push(e));
      ctx = { db: store.db, dialect: store.dialect, bus, now: isoNow, publicUrl: "http://parley.test" };
      await ensureDefaultSite(ctx, {});
    });
    afterAll(async () => {
      await store?.close();
      await fresh?.drop();
    });

    it("speaks the dialect the URL names", () => {
      expect(store.dialect).toBe(name);
    });

    it("runs migrations at start, once: reopening keeps the data and changes nothing", async () => {
      const { conversation } = await createConversation(ctx, system, {
        topic: "survives a restart",
        message: { text: "kept" },
      });
      const again = await openStore(fresh.url);
      try {
        const row = await again.db
          .selectFrom("conversations")
          .select(["topic", "last_seq"])
          .where("id", "=", conversation.id)
          .executeTakeFirstOrThrow();
        expect(row.topic).toBe("survives a restart");
        expect(Number(row.last_seq)).toBe(1);
        const migrations = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
          again.db,
        );
        expect(migrations.rows.map((r) => r.name)[0]).toBe("0001_core");
        expect(new Set(migrations.rows.map((r) => r.name)).size).toBe(migrations.rows.length);
      } finally {
        await again.close();
      }
    });

    it("each test database is its own: another fresh one sees none of this one's rows", async () => {
      const other = await freshDatabaseUrl(name);
      const otherStore = await openStore(other.url);
      try {
        const mine = await store.db.selectFrom("conversations").select("id").execute();
        expect(mine.length).toBeGreaterThan(0);
        expect(await otherStore.db.selectFrom("conversations").select("id").execute()).toEqual([]);
      } finally {
        await otherStore.close();
        await other.drop();
      }
    });

    it("a failed write leaves nothing behind and publishes nothing", async () => {
      const before = events.length;
      const count = async () =>
        Number(
          (
            await store.db
              .selectFrom("conversations")
              .select((eb) => eb.fn.countAll<number>().as("n"))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const n = await count();
      await expect(
        write(ctx, async (trx, emit) => {
          const { conversation } = await createConversationIn(trx);
          emit({
            type: "conversation.created",
            siteId: conversation.site_id,
            conversationId: conversation.id,
            conversation: {} as never,
          });
          throw new Error("boom after the insert");
        }),
      ).rejects.toThrow("boom");
      expect(await count()).toBe(n);
      expect(events.length).toBe(before);
    });

    it("transaction hooks store with the change, and their failure undoes it", async () => {
      const seen: string[] = [];
      let fail = false;
      ctx.bus.addTransactionHook(async (trx, durable) => {
        seen.push(...durable.map((e) => e.type));
        // The hook sees the change inside the transaction.
        const id = durable.find((e) => e.type === "conversation.created")?.conversationId;
        if (id)
          expect(
            await trx.selectFrom("conversations").select("id").where("id", "=", id).executeTakeFirst(),
          ).toBeDefined();
        if (fail) throw new Error("outbox unavailable");
      });
      await createConversation(ctx, system, { topic: "hooked", message: { text: "m" } });
      expect(seen).toEqual(["conversation.created", "message.created"]);
      fail = true;
      await expect(createConversation(ctx, system, { topic: "hook fails" })).rejects.toThrow("outbox unavailable");
      const rows = await store.db.selectFrom("conversations").select("id").where("topic", "=", "hook fails").execute();
      expect(rows).toEqual([]);
      fail = false;
    });

    it("events are published after commit, in order", async () => {
      const start = events.length;
      const { conversation } = await createConversation(ctx, system, {
        contact: { name: "Ev" },
        message: { text: "first" },
      });
      await postMessage(ctx, system, conversation.id, { type: "text", content: { text: "second" } });
      const types = events.slice(start).map((e) => e.type);
      expect(types).toEqual(["conversation.created", "message.created", "message.created"]);
      // A listener reading the database on an event sees the committed row.
      const seenInStore: number[] = [];
      const off = ctx.bus.subscribe((e) => {
        if (e.type === "message.created") seenInStore.push(e.message.seq);
      });
      await postMessage(ctx, system, conversation.id, { type: "text", content: { text: "third" } });
      off();
      expect(seenInStore).toEqual([3]);
      expect((await listMessages(ctx, system, conversation.id, { limit: 10 })).total).toBe(3);
    });

    it("unique indexes guard idempotency keys and seq", async () => {
      const { conversation } = await createConversation(ctx, system, {
        uniqueId: "store-unique",
        message: { text: "one" },
      });
      const msg = await store.db
        .selectFrom("messages")
        .selectAll()
        .where("conversation_id", "=", conversation.id)
        .executeTakeFirstOrThrow();
      const attempt = async (fn: () => Promise<unknown>) => {
        try {
          await fn();
          return null;
        } catch (err) {
          return err;
        }
      };
      const dupSeq = await attempt(() =>
        store.db
          .insertInto("messages")
          .values({ ...msg, id: "msg_dupseq" })
          .execute(),
      );
      expect(isUniqueViolation(dupSeq)).toBe(true);
      await store.db.updateTable("messages").set({ idempotency_key: "k1" }).where("id", "=", msg.id).execute();
      const dupKey = await attempt(() =>
        store.db
          .insertInto("messages")
          .values({ ...msg, id: "msg_dupkey", seq: 99, idempotency_key: "k1" })
          .execute(),
      );
      expect(isUniqueViolation(dupKey)).toBe(true);
      const row = await store.db
        .selectFrom("conversations")
        .selectAll()
        .where("id", "=", conversation.id)
        .executeTakeFirstOrThrow();
      const dupConv = await attempt(() =>
        store.db
          .insertInto("conversations")
          .values({ ...row, id: "conv_dup" })
          .execute(),
      );
      expect(isUniqueViolation(dupConv)).toBe(true);
      // Many conversations without a uniqueId are fine (NULLs are distinct).
      await createConversation(ctx, system, {});
      await createConversation(ctx, system, {});
    });

    it("concurrent writers with one idempotency key store one row", async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          createConversation(ctx, system, { uniqueId: "store-race", message: { text: "x" } }),
        ),
      );
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.conversation.id)).size).toBe(1);
      const id = results[0]!.conversation.id;
      const sends = await Promise.all(
        Array.from({ length: 10 }, () =>
          postMessage(ctx, system, id, { type: "text", content: { text: "y" } }, { idempotencyKey: "same" }),
        ),
      );
      expect(sends.filter((r) => r.created)).toHaveLength(1);
      expect((await listMessages(ctx, system, id, { limit: 10 })).total).toBe(2);
    });

    it("seq stays gap-free with concurrent writers on several conversations at once", async () => {
      const convs = await Promise.all(Array.from({ length: 4 }, () => createConversation(ctx, system, {})));
      await Promise.all(
        convs.flatMap(({ conversation }) =>
          Array.from({ length: 25 }, (_, i) =>
            postMessage(ctx, system, conversation.id, { type: "text", content: { text: `n${i}` } }),
          ),
        ),
      );
      for (const { conversation } of convs) {
        const rows = await store.db
          .selectFrom("messages")
          .select("seq")
          .where("conversation_id", "=", conversation.id)
          .orderBy("seq")
          .execute();
        expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
        const view = await getConversation(ctx, system, conversation.id);
        expect(view.lastMessage?.seq).toBe(25);
      }
    });

    it("a message moves the conversation along: read markers, first response, a visitor reopening a solved one", async () => {
      const { conversation } = await createConversation(ctx, system, {
        contact: { name: "Re" },
        message: { text: "q" },
        sender: { type: "contact" },
      });
      expect(conversation).toMatchObject({ firstResponseAt: null, readUpTo: { contact: 1, agent: 0 } });
      const first = await postMessage(ctx, system, conversation.id, { type: "text", content: { text: "a1" } });
      const afterFirst = await getConversation(ctx, system, conversation.id);
      expect(afterFirst.firstResponseAt).toBe(first.message.createdAt);
      expect(afterFirst.readUpTo).toEqual({ contact: 1, agent: 2 });
      await postMessage(ctx, system, conversation.id, { type: "text", content: { text: "a2" } });
      expect((await getConversation(ctx, system, conversation.id)).firstResponseAt).toBe(first.message.createdAt);

      await store.db.updateTable("conversations").set({ status: "solved" }).where("id", "=", conversation.id).execute();
      const visitor: Principal = {
        kind: "visitor",
        visitorId: "vis_storage",
        siteId: conversation.siteId,
        contactId: conversation.contact!.id,
      };
      const start = events.length;
      const again = await postMessage(ctx, visitor, conversation.id, {
        type: "text",
        content: { text: "one more thing" },
      });
      expect(again.message.sender).toMatchObject({ type: "contact", id: conversation.contact!.id });
      const reopened = await getConversation(ctx, system, conversation.id);
      expect(reopened).toMatchObject({
        status: "open",
        readUpTo: { contact: 4, agent: 3 },
        lastMessage: { id: again.message.id },
      });
      expect(events.slice(start).map((e) => e.type)).toEqual(["message.created", "conversation.updated"]);
      // An open one stays open, with no extra event.
      const start2 = events.length;
      await postMessage(ctx, visitor, conversation.id, { type: "text", content: { text: "still here" } });
      expect(events.slice(start2).map((e) => e.type)).toEqual(["message.created"]);
    });

    it("stores text exactly: unicode, quotes, long strings, JSON metadata", async () => {
      const text = "Grüße 👋🏽 \"quoted\" 'single' \\backslash\\ 日本語 " + "long ".repeat(3000);
      const metadata = { nested: { list: [1, "two", null, true], emoji: "✓" }, n: 1.5 };
      const { conversation } = await createConversation(ctx, system, { topic: "Ünïcödé", metadata, message: { text } });
      const view = await getConversation(ctx, system, conversation.id);
      expect(view.topic).toBe("Ünïcödé");
      expect(view.metadata).toEqual(metadata);
      expect(view.lastMessage?.content).toEqual({ text });
    });

    it("timestamps are ISO 8601 UTC and sort as text", async () => {
      const a = await createConversation(ctx, system, {});
      const b = await createConversation(ctx, system, {});
      for (const t of [a.conversation.createdAt, b.conversation.createdAt])
        expect(t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      const rows = await store.db.selectFrom("conversations").select("created_at").orderBy("created_at").execute();
      const values = rows.map((r) => r.created_at);
      expect([...values].sort()).toEqual(values);
    });

    if (name === "sqlite") {
      it("SQLite runs in WAL mode in the file the URL names", async () => {
        const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
        expect(mode.rows[0]!.journal_mode).toBe("wal");
        expect(fs.existsSync(fresh.url.replace(/^sqlite:/, ""))).toBe(true);
      });
    } else {
      it("PostgreSQL keeps every table in the schema the URL names", async () => {
        const schema = new URL(fresh.url).searchParams.get("schema");
        const tables = await sql<{
          table_name: string;
        }>`select table_name from information_schema.tables where table_schema = ${schema}`.execute(store.db);
        const names = tables.rows.map((r) => r.table_name);
        expect(names).toEqual(
          expect.arrayContaining([
            "conversations",
            "messages",
            "contacts",
            "sites",
            "api_tokens",
            "agents",
            "kysely_migration",
          ]),
        );
        const elsewhere = await sql<{
          n: string;
        }>`select count(*) as n from information_schema.tables where table_schema = 'public' and table_name = 'conversations'`.execute(
          store.db,
        );
        expect(Number(elsewhere.rows[0]!.n)).toBe(0);
      });
    }

    /** A bare conversation row inside a transaction, for the rollback test. */
    async function createConversationIn(trx: Parameters<Parameters<typeof write>[1]>[0]) {
      const site = await trx.selectFrom("sites").select("id").executeTakeFirstOrThrow();
      const now = isoNow();
      const conversation = newConversationRow(now, {
        id: `conv_rollback${Math.random().toString(36).slice(2, 8)}`,
        site_id: site.id,
        channel: "api",
        topic: "rolled back",
      });
      await trx.insertInto("conversations").values(conversation).execute();
      return { conversation };
    }
  });
});
