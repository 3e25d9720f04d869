import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { databases } from "../helpers/services.ts";
import { snippetParts } from "../../shared/search-marks.ts";

/**
 * GET /v1/search and GET /v1/contacts?q= on both databases: words found whatever their case and
 * accents, as prefixes, best first, with marked snippets; the list filters and cursor paging;
 * nothing of another site; erased contacts gone from the index; bad input refused.
 */

/** The marked words of a snippet. */
const marked = (snippet: string) =>
  snippetParts(snippet)
    .filter((p) => p.marked)
    .map((p) => p.text);

for (const db of databases()) {
  describe.skipIf(!db.available)(`search (${db.name})`, () => {
    let s: TestServer;
    let siteB: string;
    let tokenA: string;
    let tokenB: string;
    const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
    const search = (query: string, headers?: Record<string, string>) =>
      s.api("GET", `/v1/search?${query}`, undefined, headers);
    const start = async (body: Record<string, unknown>, headers?: Record<string, string>) => {
      const res = await s.api("POST", "/v1/conversations", body, headers);
      expect(res.status).toBe(201);
      return res.body as { id: string; messages: { id: string; seq: number }[] };
    };
    const say = async (id: string, text: string) => {
      const res = await s.api("POST", `/v1/conversations/${id}/messages`, { text });
      expect(res.status).toBe(201);
      return res.body as { id: string; seq: number };
    };

    beforeAll(async () => {
      s = await startTestServer({ db: db.name });
      const sites = await s.api("GET", "/v1/sites");
      const siteA = sites.body.items.find((x: { id: string }) => x.id.startsWith("site_")).id as string;
      siteB = (await s.api("POST", "/v1/sites", { name: "B" })).body.id;
      tokenA = (await s.api("POST", "/v1/tokens", { name: "a", siteId: siteA })).body.secret;
      tokenB = (await s.api("POST", "/v1/tokens", { name: "b", siteId: siteB })).body.secret;
    });
    afterAll(() => s?.close());

    it("finds words without regard to case or accents, as prefixes, and marks them in the snippet", async () => {
      const c = await start({
        contact: { name: "Zoë Quist" },
        message: { text: "Hello, is the Crème Brûlée still on the menu?" },
      });
      const later = await say(c.id, "Also: do you deliver to Malmö?");

      for (const q of ["creme brulee", "CRÈME", "brul", "malmo", "MALMÖ"]) {
        const res = await search(`q=${encodeURIComponent(q)}`);
        expect(res.status, q).toBe(200);
        const hit = res.body.items.find((i: any) => i.conversation.id === c.id);
        expect(hit, q).toBeDefined();
      }
      const res = await search("q=brul");
      const hit = res.body.items.find((i: any) => i.conversation.id === c.id);
      expect(hit.matches[0]).toMatchObject({ messageId: c.messages[0]!.id, seq: 1 });
      expect(marked(hit.matches[0].snippet)).toEqual(["Brûlée"]);
      const malmo = (await search("q=malmo")).body.items.find((i: any) => i.conversation.id === c.id);
      expect(malmo.matches[0]).toMatchObject({ messageId: later.id, seq: later.seq });
      // The contact's name is found too, in the conversation's own document (no message).
      const byName = (await search("q=zoe")).body.items.find((i: any) => i.conversation.id === c.id);
      expect(byName.matches[0]).toMatchObject({ messageId: null, seq: null });
      expect(marked(byName.matches[0].snippet)).toEqual(["Zoë"]);
      // Every word must be there.
      expect((await search("q=malmo+banana")).body.items).toEqual([]);
    });

    it("finds a streamed message by its completed text", async () => {
      const c = await start({ message: { text: "first" } });
      const streamed = await s.api("POST", `/v1/conversations/${c.id}/messages`, {
        text: "",
        streaming: true,
        sender: { type: "bot" },
      });
      expect(streamed.status).toBe(201);
      await s.api("POST", `/v1/messages/${streamed.body.id}/append`, { text: "The marmoset " });
      await s.api("POST", `/v1/messages/${streamed.body.id}/complete`, { text: "The marmoset answer, complete" });
      const hit = (await search("q=marmoset+complete")).body.items.find((i: any) => i.conversation.id === c.id);
      expect(hit.matches[0]).toMatchObject({ messageId: streamed.body.id, seq: 2 });
    });

    it("finds every message of a long conversation, the oldest and the one just written", async () => {
      // More messages than SQLite's pending list holds, searched for only at the end: some of
      // their words reached the index in batches on the way, the last ones are still pending.
      const c = await start({ message: { text: "okapi first of many" } });
      for (let i = 2; i <= 300; i++) await say(c.id, `okapi number ${i}`);
      const last = await say(c.id, "okapi tapir finale");
      for (const [q, seq] of [
        ["first+okapi", 1],
        ["okapi+150", 150],
        ["tapir", last.seq],
      ] as const) {
        const res = await search(`q=${q}`);
        expect(
          res.body.items.map((i: any) => i.conversation.id),
          q,
        ).toEqual([c.id]);
        expect(res.body.items[0].matches[0].seq, q).toBe(seq);
      }
      const all = await search("q=okapi");
      expect(all.body.items.map((i: any) => i.conversation.id)).toEqual([c.id]);
      expect(all.body.items[0].matches).toHaveLength(3);
    });

    it("escapes what the text holds, so that only <mark> is markup", async () => {
      const c = await start({ message: { text: "<b>xylophone</b> & <script>" } });
      const hit = (await search("q=xylophone")).body.items.find((i: any) => i.conversation.id === c.id);
      expect(hit.matches[0].snippet).toBe("&lt;b&gt;<mark>xylophone</mark>&lt;/b&gt; &amp; &lt;script&gt;");
    });

    it("finds an untagged conversation by its topic and its contact, given inline or by contactId", async () => {
      const first = await start({
        topic: "Gharial scales",
        contact: { name: "Orla", email: "orla.tamarin@example.org" },
      });
      const contactId = (await s.api("GET", `/v1/conversations/${first.id}`)).body.contact.id;
      const res = await s.api("POST", "/v1/conversations", { topic: "Pangolin armour", contactId });
      expect(res.status).toBe(201);
      expect(res.body.contact).toMatchObject({ id: contactId, name: "Orla", email: "orla.tamarin@example.org" });
      expect(res.body.tags).toEqual([]);
      const found = async (q: string) => (await search(`q=${q}`)).body.items.map((i: any) => i.conversation.id);
      expect(await found("gharial")).toContain(first.id);
      expect(await found("pangolin")).toContain(res.body.id);
      expect(await found("tamarin")).toEqual(expect.arrayContaining([first.id, res.body.id]));
      expect(await found("quokkaless")).toEqual([]);
    });

    it("finds card and quick-reply titles, topic, summary, tags, email and phone", async () => {
      const c = await start({
        topic: "Quarterly invoice",
        summary: "Customer disputes a surcharge",
        tags: ["vip-gold"],
        contact: { name: "Ada", email: "ada.lovelace@example.org", phone: "+46 70 555 12 34" },
        message: {
          type: "cards",
          content: { cards: [{ title: "Kangaroo plan", buttons: [{ title: "Wombat upgrade", payload: "w" }] }] },
        },
      });
      await s.api("POST", `/v1/conversations/${c.id}/messages`, {
        type: "quick_replies",
        content: { text: "Pick one", options: [{ title: "Platypus", payload: "p" }] },
      });
      for (const q of ["kangaroo", "wombat", "platypus", "quarterly", "surcharge", "gold", "lovelace", "46705551234"]) {
        const res = await search(`q=${q}`);
        expect(
          res.body.items.map((i: any) => i.conversation.id),
          q,
        ).toContain(c.id);
      }
      // A change of topic, tags or contact is in the index at once.
      await s.api("PATCH", `/v1/conversations/${c.id}`, { topic: "Annual invoice" });
      expect((await search("q=quarterly")).body.items).toEqual([]);
      expect((await search("q=annual")).body.items.map((i: any) => i.conversation.id)).toContain(c.id);
      await s.api("PUT", `/v1/conversations/${c.id}/tags/ocelot`);
      expect((await search("q=ocelot")).body.items.map((i: any) => i.conversation.id)).toEqual([c.id]);
      await s.api("PATCH", `/v1/contacts/${(await s.api("GET", `/v1/conversations/${c.id}`)).body.contact.id}`, {
        name: "Augusta",
      });
      expect((await search("q=augusta")).body.items.map((i: any) => i.conversation.id)).toEqual([c.id]);
    });

    it("finds a private note's words, as a match without a message", async () => {
      const c = await start({ message: { text: "Where is my parcel?" } });
      const note = await s.api("POST", `/v1/conversations/${c.id}/notes`, { text: "Courier says Zürich depot" });
      expect(note.status).toBe(201);
      const found = await search("q=zurich");
      expect(found.status).toBe(200);
      expect(found.body.items).toHaveLength(1);
      expect(found.body.items[0].conversation.id).toBe(c.id);
      expect(found.body.items[0].matches[0]).toMatchObject({ messageId: null, seq: null });
      expect(marked(found.body.items[0].matches[0].snippet)).toEqual(["Zürich"]);
    });

    it("puts the best matches first", async () => {
      const weak = await start({
        message: {
          text: "The weather is nice; by the way, a narwhal was mentioned somewhere in a long message about many other things entirely",
        },
      });
      const strong = await start({ message: { text: "narwhal narwhal narwhal" } });
      const res = await search("q=narwhal");
      expect(res.body.items.map((i: any) => i.conversation.id)).toEqual([strong.id, weak.id]);
    });

    it("takes the list filters and pages with the cursor", async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const c = await start({ priority: i % 2 ? "high" : "low", message: { text: `pelican number ${i}` } });
        ids.push(c.id);
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await search(`q=pelican&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(2);
        seen.push(...res.body.items.map((i: any) => i.conversation.id));
        cursor = res.body.nextCursor;
        expect(res.body.hasMore).toBe(cursor !== null);
      } while (cursor);
      expect(seen.sort()).toEqual([...ids].sort());
      const high = await search("q=pelican&priority=high");
      expect(high.body.items.map((i: any) => i.conversation.id).sort()).toEqual([ids[1], ids[3]].sort());
      await s.api("PATCH", `/v1/conversations/${ids[0]}`, { status: "solved" });
      const solved = await search("q=pelican&status=solved");
      expect(solved.body.items.map((i: any) => i.conversation.id)).toEqual([ids[0]]);
    });

    it("never shows a site token another site's conversation", async () => {
      const mine = await start({ message: { text: "albatross in site B" } }, bearer(tokenB));
      const other = await start({ message: { text: "albatross in site A" } }, bearer(tokenA));
      const asB = await search("q=albatross", bearer(tokenB));
      expect(asB.body.items.map((i: any) => i.conversation.id)).toEqual([mine.id]);
      const asA = await search("q=albatross", bearer(tokenA));
      expect(asA.body.items.map((i: any) => i.conversation.id)).toEqual([other.id]);
      expect((await search(`q=albatross&siteId=${siteB}`, bearer(tokenA))).body.items).toEqual([]);
      const contacts = await s.api("GET", "/v1/contacts?q=albatross", undefined, bearer(tokenA));
      expect(contacts.status).toBe(200);
    });

    it("finds contacts by name, email, phone or externalId, within the caller's site", async () => {
      const c = await start(
        { contact: { name: "Håkan Ölund", email: "hakan@example.se", phone: "+46 8 123 456", externalId: "crm-7781" } },
        bearer(tokenB),
      );
      const contactId = (await s.api("GET", `/v1/conversations/${c.id}`)).body.contact.id;
      for (const q of ["hakan", "OLUND", "hakan@example", "468123456", "crm-7781"]) {
        const res = await s.api("GET", `/v1/contacts?q=${encodeURIComponent(q)}`, undefined, bearer(tokenB));
        expect(res.status, q).toBe(200);
        expect(
          res.body.items.map((x: any) => x.id),
          q,
        ).toEqual([contactId]);
      }
      expect((await s.api("GET", "/v1/contacts?q=hakan", undefined, bearer(tokenA))).body.items).toEqual([]);
    });

    it("forgets an erased contact and its conversations", async () => {
      const c = await start({ contact: { name: "Ingrid Erasable" }, message: { text: "my secret word is quokka" } });
      const contactId = (await s.api("GET", `/v1/conversations/${c.id}`)).body.contact.id;
      expect((await search("q=quokka")).body.items).toHaveLength(1);
      expect((await s.api("DELETE", `/v1/contacts/${contactId}`)).status).toBe(204);
      expect((await search("q=quokka")).body.items).toEqual([]);
      expect((await search("q=erasable")).body.items).toEqual([]);
      expect((await s.api("GET", "/v1/contacts?q=erasable")).body.items).toEqual([]);
    });

    it("refuses bad input with the error envelope", async () => {
      for (const query of ["", "q=", "q=%20%20", "q=...", "q=x&limit=0", "q=x&cursor=nonsense", "q=x&bogus=1"]) {
        const res = await search(query);
        expect(res.status, query).toBe(422);
        expect(res.body.error.code, query).toBe("validation_failed");
      }
      const contacts = await s.api("GET", "/v1/contacts?q=");
      expect(contacts.status).toBe(422);
      expect((await s.api("GET", "/v1/search?q=x", undefined, { authorization: "Bearer nope" })).status).toBe(401);
    });
  });
}
