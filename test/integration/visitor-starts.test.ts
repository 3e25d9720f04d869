import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { databases } from "../helpers/services.ts";
import { clientId, connectVisitor, text, type Visitor } from "./realtime-helpers.ts";

const VISITORS = 50;

/**
 * Many visitors' first messages at once, which the node writes as groups of starts
 * (visitor-starts.ts): each visitor gets exactly one conversation holding each of its messages
 * once — a second tab joins the first tab's conversation, a client id sent twice is one message —
 * and the durable log tells each conversation's creation and each message once.
 */
describe.each(databases())("concurrent first messages on $name", ({ name, available }) => {
  describe.skipIf(!available)("", () => {
    let s: TestServer;
    const open: Visitor[] = [];
    beforeAll(async () => {
      s = await startTestServer({ db: name });
    });
    afterAll(async () => {
      for (const v of open) v.close();
      await s?.close();
    });

    it(`${VISITORS} visitors at once, some with two tabs, some sending a client id twice`, async () => {
      const visitors = await Promise.all(
        Array.from({ length: VISITORS }, async (_, i) => {
          const first = await connectVisitor(s.url, { siteKey: s.siteKey });
          const tabs = [first];
          if (i % 3 === 0)
            tabs.push(await connectVisitor(s.url, { siteKey: s.siteKey, visitorToken: first.welcome.visitorToken }));
          open.push(...tabs);
          return tabs;
        }),
      );

      // Every tab sends its first message at the same moment; every fourth visitor's first tab sends it twice.
      const sent = await Promise.all(
        visitors.map(async (tabs, i) => {
          const sends = tabs.map((tab, t) => ({ tab, clientId: clientId(), text: `visitor ${i} tab ${t}` }));
          if (i % 4 === 0) sends.push({ ...sends[0]! });
          const acks = await Promise.all(
            sends.map((x) => x.tab.call("send", { clientId: x.clientId, message: text(x.text) })),
          );
          return { tabs, sends, acks };
        }),
      );

      const conversations = new Set<string>();
      const messages = new Set<string>();
      for (const { tabs, sends, acks } of sent) {
        expect(acks.every((a) => a.ok)).toBe(true);
        const ids = new Set(acks.map((a) => a.conversation.id as string));
        expect(ids.size, "conversations of one visitor").toBe(1);
        const [conversationId] = ids as unknown as [string];
        conversations.add(conversationId);
        acks.forEach((a, k) => expect(a.message.clientId).toBe(sends[k]!.clientId));
        const distinct = new Map(acks.map((a) => [a.message.clientId as string, a.message.id as string]));
        // A client id sent twice is answered with the one stored message.
        if (sends.length > tabs.length) expect(acks[acks.length - 1]!.message.id).toBe(acks[0]!.message.id);
        for (const id of distinct.values()) messages.add(id);
        const page = await tabs[0]!.call("resync", { conversationId, afterSeq: 0 });
        expect(page.messages.map((m: any) => m.id).sort()).toEqual([...distinct.values()].sort());
        expect(page.messages.map((m: any) => m.seq).sort()).toEqual(
          page.messages.map((_: unknown, k: number) => k + 1),
        );
      }
      expect(conversations.size).toBe(VISITORS);

      // Nothing else was started, and each conversation has a contact of its own.
      const list = await s.api("GET", "/v1/conversations?channel=widget&limit=100");
      expect(list.body.items.map((c: any) => c.id).sort()).toEqual([...conversations].sort());
      expect(new Set(list.body.items.map((c: any) => c.contact?.id)).size).toBe(VISITORS);

      // The durable log: each conversation created once, each message told once.
      const logged = await s.parley.store.db
        .selectFrom("events")
        .select(["type", "subject", "data"])
        .where("type", "in", ["conversation.created", "message.created"])
        .orderBy("position")
        .execute();
      const created = logged.filter((e) => e.type === "conversation.created").map((e) => e.subject);
      expect(created.sort()).toEqual([...conversations].sort());
      const told = logged.filter((e) => e.type === "message.created").map((e) => JSON.parse(e.data).message.id);
      expect(told.sort()).toEqual([...messages].sort());
      // Each conversation's creation is told before its messages.
      for (const id of conversations) {
        const mine = logged.filter((e) => e.subject === id).map((e) => e.type);
        expect(mine[0]).toBe("conversation.created");
      }
    });

    it("indexes an identified visitor's new conversation under its contact's name, and tells it with the contact", async () => {
      const visitors = await Promise.all(
        ["Quillon Yarrow", "Quillon Zephyr"].map((name, i) =>
          connectVisitor(s.url, { siteKey: s.siteKey, user: { id: `starts-${i}`, name } }),
        ),
      );
      open.push(...visitors);
      const acks = await Promise.all(
        visitors.map((v) => v.call("send", { clientId: clientId(), message: text("hi") })),
      );
      expect(acks.every((a) => a.ok)).toBe(true);
      const found = await s.api("GET", `/v1/search?q=${encodeURIComponent("quillon zephyr")}`);
      expect(found.body.items.map((i: any) => i.conversation.id)).toEqual([acks[1]!.conversation.id]);
      const conversation = await s.api("GET", `/v1/conversations/${acks[0]!.conversation.id}`);
      expect(conversation.body.contact.name).toBe("Quillon Yarrow");
      const [created] = await s.parley.store.db
        .selectFrom("events")
        .select("data")
        .where("type", "=", "conversation.created")
        .where("subject", "=", acks[0]!.conversation.id)
        .execute();
      expect(JSON.parse(created!.data).conversation).toMatchObject({ contact: { name: "Quillon Yarrow" }, tags: [] });
    });
  });
});
