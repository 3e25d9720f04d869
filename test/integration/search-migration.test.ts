import { afterAll, describe, expect, it } from "vitest";
import { databases } from "../helpers/services.ts";
import { insertOldSite, oldRelease } from "../helpers/migrations.ts";

/**
 * A database written by a release before search: the migration that adds the index (0008)
 * indexes what is already there, so that old conversations are found after the upgrade.
 */
for (const db of databases()) {
  describe.skipIf(!db.available)(`search index migration (${db.name})`, () => {
    const drops: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const drop of drops) await drop();
    });

    it("indexes the conversations, messages and contacts stored before it", async () => {
      const old = await oldRelease(db.name, "0005_roles");
      drops.push(old.drop);
      const raw = old.raw;
      const now = new Date().toISOString();
      await insertOldSite(raw, now);
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

      const s = await old.upgrade();
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
