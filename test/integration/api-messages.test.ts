import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { databases } from "../helpers/services.ts";

/** Messages over real HTTP: content types, idempotency, gap-free seq, history forms, streaming. */
describe.each(databases())("messages API on $name", ({ name, available }) => {
  describe.skipIf(!available)("", () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer({ db: name });
    });
    afterAll(async () => {
      await s?.close();
    });

    const conversation = async (body: Record<string, unknown> = {}) =>
      (await s.api("POST", "/v1/conversations", body)).body as { id: string };
    const post = (id: string, body: unknown) => s.api("POST", `/v1/conversations/${id}/messages`, body);

    it("posts the text shorthand as a text message from an agent", async () => {
      const c = await conversation();
      const res = await post(c.id, { text: "Hello there" });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        conversationId: c.id,
        seq: 1,
        type: "text",
        content: { text: "Hello there" },
        state: "complete",
        sender: { type: "agent" },
      });
      expect(res.body.id).toMatch(/^msg_/);
      const conv = await s.api("GET", `/v1/conversations/${c.id}`);
      expect(conv.body.lastMessage).toEqual(res.body);
    });

    it('{ type: "text", text } is the text shorthand too', async () => {
      const c = await conversation();
      const res = await post(c.id, { type: "text", text: "Typed" });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({ type: "text", content: { text: "Typed" } });
    });

    it("a bot sender keeps its name", async () => {
      const c = await conversation();
      const res = await post(c.id, { text: "Beep", sender: { type: "bot", name: "Robo" } });
      expect(res.body.sender).toMatchObject({ type: "bot", name: "Robo" });
      expect((await post(c.id, { text: "x", sender: { type: "contact" } })).status).toBe(422);
    });

    it("firstResponseAt is the first human agent's answer: a bot's answer does not count", async () => {
      const c = (
        await s.api("POST", "/v1/conversations", {
          contact: { name: "Ed" },
          message: { text: "Hello?" },
          sender: { type: "contact" },
        })
      ).body;
      expect(c.firstResponseAt).toBeNull();
      await post(c.id, { text: "I am a bot, let me find someone", sender: { type: "bot", name: "Robo" } });
      const afterBot = (await s.api("GET", `/v1/conversations/${c.id}`)).body;
      expect(afterBot.firstResponseAt).toBeNull();
      expect(afterBot.readUpTo.agent).toBe(2);
      const human = (await post(c.id, { text: "Hi, Sam here" })).body;
      expect((await s.api("GET", `/v1/conversations/${c.id}`)).body.firstResponseAt).toBe(human.createdAt);
      await post(c.id, { text: "Anything else?" });
      expect((await s.api("GET", `/v1/conversations/${c.id}`)).body.firstResponseAt).toBe(human.createdAt);
    });

    const valid: [string, unknown][] = [
      ["text", { text: "plain <b>not html</b>" }],
      [
        "quick_replies",
        {
          text: "Pick one",
          options: [
            { title: "Yes", payload: "y" },
            { title: "No", payload: "n" },
          ],
        },
      ],
      ["quick_reply", { title: "Yes", payload: "y" }],
      [
        "cards",
        {
          cards: [
            {
              title: "Plan A",
              text: "Cheap",
              imageUrl: "https://example.com/a.png",
              buttons: [
                { title: "Buy", url: "https://example.com/buy" },
                { title: "Ask", payload: "ask-a" },
              ],
            },
          ],
        },
      ],
      ["image", { url: "https://example.com/cat.jpg", alt: "A cat", width: 640, height: 480 }],
      ["file", { url: "https://example.com/report.pdf", name: "report.pdf", size: 12345, mimeType: "application/pdf" }],
      ["location", { latitude: 59.3293, longitude: 18.0686, name: "Stockholm", address: "Sergels torg" }],
      ["contact", { name: "Support line", phone: "+46 8 123 456", email: "help@example.com" }],
    ];

    it.each(valid)("stores a %s message as given", async (type, content) => {
      const c = await conversation();
      const res = await post(c.id, { type, content });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body).toMatchObject({ type, content });
      const history = await s.api("GET", `/v1/conversations/${c.id}/messages`);
      expect(history.body.items[0]).toEqual(res.body);
    });

    const invalid: [string, unknown, string][] = [
      ["text", { text: "" }, "content.text"],
      ["text", { text: 42 }, "content.text"],
      ["quick_replies", { text: "Pick", options: [] }, "content.options"],
      ["quick_replies", { text: "Pick", options: [{ title: "Yes" }] }, "content.options.0.payload"],
      ["quick_reply", { title: "Yes" }, "content.payload"],
      ["cards", { cards: [] }, "content.cards"],
      [
        "cards",
        { cards: [{ title: "A", buttons: [{ title: "Both", url: "https://example.com", payload: "p" }] }] },
        "content.cards.0.buttons.0",
      ],
      ["cards", { cards: [{ title: "A", imageUrl: "javascript:alert(1)" }] }, "content.cards.0.imageUrl"],
      ["image", { url: "not a url" }, "content.url"],
      ["image", { url: "https://example.com/a.png", width: -1 }, "content.width"],
      ["file", { url: "https://example.com/f", name: "f" }, "content.size"],
      ["location", { latitude: 91, longitude: 0 }, "content.latitude"],
      ["location", { latitude: "north", longitude: 0 }, "content.latitude"],
      ["contact", { name: "X", email: "nope" }, "content.email"],
    ];

    it.each(invalid)("rejects a bad %s content with 422 naming the field (%j)", async (type, content, path) => {
      const c = await conversation();
      const res = await post(c.id, { type, content });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
      expect((await s.api("GET", `/v1/conversations/${c.id}/messages`)).body.total).toBe(0);
    });

    it("rejects inputs that are no message at all", async () => {
      const c = await conversation();
      for (const body of [
        {},
        { type: "video", content: {} },
        { type: "text" },
        { text: "   " },
        { text: "a", streaming: "yes" },
        { type: "image", content: { url: "https://example.com/a.png" }, streaming: true },
      ]) {
        const res = await post(c.id, body);
        expect(res.status, JSON.stringify(body)).toBe(422);
        expect(res.body.error.details.length).toBeGreaterThan(0);
      }
      expect((await s.api("GET", `/v1/conversations/${c.id}/messages`)).body.total).toBe(0);
    });

    it("is idempotent by uniqueId, sequentially and concurrently", async () => {
      const c = await conversation();
      const first = await post(c.id, { text: "once", uniqueId: "m-1" });
      expect(first.status).toBe(201);
      const again = await post(c.id, { text: "once (retried)", uniqueId: "m-1" });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      const burst = await Promise.all(Array.from({ length: 20 }, () => post(c.id, { text: "burst", uniqueId: "m-2" })));
      expect(burst.filter((r) => r.status === 201)).toHaveLength(1);
      expect(burst.filter((r) => r.status === 200)).toHaveLength(19);
      expect(new Set(burst.map((r) => r.body.id)).size).toBe(1);
      const history = await s.api("GET", `/v1/conversations/${c.id}/messages`);
      expect(history.body.total).toBe(2);
      expect(history.body.items.map((m: { seq: number }) => m.seq)).toEqual([2, 1]);
      // The same uniqueId in another conversation is another message.
      const other = await conversation();
      expect((await post(other.id, { text: "elsewhere", uniqueId: "m-1" })).status).toBe(201);
    });

    it("a retry of a message stored before the close still answers with it", async () => {
      const c = await conversation();
      const first = await post(c.id, { text: "before close", uniqueId: "late-retry" });
      await s.api("PATCH", `/v1/conversations/${c.id}`, { status: "closed" });
      const retry = await post(c.id, { text: "before close", uniqueId: "late-retry" });
      expect(retry.status).toBe(200);
      expect(retry.body.id).toBe(first.body.id);
      const fresh = await post(c.id, { text: "new", uniqueId: "after-close" });
      expect(fresh.status).toBe(409);
      expect(fresh.body.error.code).toBe("conversation_closed");
    });

    it("50 concurrent posts to one conversation get seq 1…50 with no gap and no twin", async () => {
      const c = await conversation();
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => post(c.id, { text: `n${i}` })));
      expect(results.every((r) => r.status === 201)).toBe(true);
      const seqs = results.map((r) => r.body.seq as number).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      const history = await s.api("GET", `/v1/conversations/${c.id}/messages?limit=100`);
      expect(history.body.total).toBe(50);
      expect(history.body.items.map((m: { seq: number }) => m.seq)).toEqual(
        Array.from({ length: 50 }, (_, i) => 50 - i),
      );
      const texts = new Set(history.body.items.map((m: { content: { text: string } }) => m.content.text));
      expect(texts.size).toBe(50);
      const conv = await s.api("GET", `/v1/conversations/${c.id}`);
      expect(conv.body.lastMessage.seq).toBe(50);
    });

    describe("history", () => {
      let id: string;
      const seqs = (res: { body: { items: { seq: number }[] } }) => res.body.items.map((m) => m.seq);
      beforeAll(async () => {
        id = (await conversation()).id;
        for (let i = 1; i <= 25; i++) await post(id, { text: `m${i}` });
      });
      const get = async (q: string) => {
        const res = await s.api("GET", `/v1/conversations/${id}/messages${q}`);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        return res;
      };

      it("newest first, 10 by default, with total and hasMore", async () => {
        const res = await get("");
        expect(seqs(res)).toEqual([25, 24, 23, 22, 21, 20, 19, 18, 17, 16]);
        expect(res.body.total).toBe(25);
        expect(res.body.hasMore).toBe(true);
      });

      it("limit and skip", async () => {
        expect(seqs(await get("?limit=3"))).toEqual([25, 24, 23]);
        const skipped = await get("?limit=10&skip=20");
        expect(seqs(skipped)).toEqual([5, 4, 3, 2, 1]);
        expect(skipped.body.hasMore).toBe(false);
        const past = await get("?skip=25");
        expect(past.body).toEqual({ items: [], total: 25, hasMore: false });
        const far = await get("?skip=1000000");
        expect(far.body.items).toEqual([]);
        expect(seqs(await get("?limit=100"))).toHaveLength(25);
      });

      it("before a seq pages back", async () => {
        const page = await get("?before=11&limit=5");
        expect(seqs(page)).toEqual([10, 9, 8, 7, 6]);
        expect(page.body.hasMore).toBe(true);
        const last = await get("?before=4&limit=5");
        expect(seqs(last)).toEqual([3, 2, 1]);
        expect(last.body.hasMore).toBe(false);
        expect((await get("?before=1")).body.items).toEqual([]);
        expect(seqs(await get("?before=1000&limit=2"))).toEqual([25, 24]);
      });

      it("after a seq gives what came next, still newest first", async () => {
        const page = await get("?after=20");
        expect(seqs(page)).toEqual([25, 24, 23, 22, 21]);
        expect(page.body.hasMore).toBe(false);
        const partial = await get("?after=5&limit=3");
        expect(seqs(partial)).toEqual([8, 7, 6]);
        expect(partial.body.hasMore).toBe(true);
        expect((await get("?after=25")).body).toEqual({ items: [], total: 25, hasMore: false });
        expect(seqs(await get("?after=0&limit=2"))).toEqual([2, 1]);
      });

      it("a before walk visits every message once", async () => {
        const seen: number[] = [];
        let before: number | undefined;
        for (;;) {
          const res = await get(`?limit=7${before ? `&before=${before}` : ""}`);
          seen.push(...seqs(res));
          if (!res.body.hasMore) break;
          before = res.body.items[res.body.items.length - 1].seq;
        }
        expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => 25 - i));
      });

      it("rejects absurd or combined paging with 422", async () => {
        for (const q of [
          "limit=0",
          "limit=101",
          "limit=1e400",
          "limit=abc",
          "skip=-1",
          "before=0",
          "after=-3",
          "skip=1&before=3",
          "before=3&after=1",
          "limit=",
          "skip=9999999999999",
        ]) {
          const res = await s.api("GET", `/v1/conversations/${id}/messages?${q}`);
          expect(res.status, q).toBe(422);
          expect(res.body.error.code).toBe("validation_failed");
        }
      });
    });

    describe("streaming", () => {
      it("appends, then completes with the streamed text", async () => {
        const c = await conversation();
        const started = await post(c.id, { text: "", streaming: true, sender: { type: "bot", name: "AI" } });
        expect(started.status).toBe(201);
        expect(started.body).toMatchObject({ state: "streaming", type: "text", content: { text: "" }, seq: 1 });
        const mid = started.body.id;
        for (const piece of ["Hel", "lo, ", "wörld ✓"]) {
          const res = await s.api("POST", `/v1/messages/${mid}/append`, { text: piece });
          expect(res.status).toBe(200);
          expect(res.body.state).toBe("streaming");
        }
        const seen = await s.api("GET", `/v1/conversations/${c.id}/messages`);
        expect(seen.body.items[0]).toMatchObject({ id: mid, state: "streaming", content: { text: "Hello, wörld ✓" } });
        const done = await s.api("POST", `/v1/messages/${mid}/complete`, {});
        expect(done.status).toBe(200);
        expect(done.body).toMatchObject({ id: mid, state: "complete", content: { text: "Hello, wörld ✓" }, seq: 1 });
        const late = await s.api("POST", `/v1/messages/${mid}/append`, { text: "more" });
        expect(late.status).toBe(409);
        expect(late.body.error.code).toBe("conflict");
        const replace = await s.api("POST", `/v1/messages/${mid}/complete`, { text: "Something else" });
        expect(replace.status).toBe(409);
        expect(replace.body.error.code).toBe("conflict");
        const history = await s.api("GET", `/v1/conversations/${c.id}/messages`);
        expect(history.body.items[0]).toMatchObject({ state: "complete", content: { text: "Hello, wörld ✓" } });
      });

      it("complete with text replaces what was streamed", async () => {
        const c = await conversation();
        const started = await post(c.id, { text: "Draf", streaming: true });
        expect(started.body.content.text).toBe("Draf");
        await s.api("POST", `/v1/messages/${started.body.id}/append`, { text: "t…" });
        const done = await s.api("POST", `/v1/messages/${started.body.id}/complete`, { text: "The final answer." });
        expect(done.body).toMatchObject({ state: "complete", content: { text: "The final answer." } });
        const again = await s.api("POST", `/v1/messages/${started.body.id}/complete`, { text: "The final answer." });
        expect(again.status).toBe(200);
      });

      it("refuses to complete an empty stream, to append to a plain message, or to stream once closed", async () => {
        const c = await conversation();
        const empty = await post(c.id, { text: "", streaming: true });
        const res = await s.api("POST", `/v1/messages/${empty.body.id}/complete`, {});
        expect(res.status).toBe(422);
        const plain = await post(c.id, { text: "plain" });
        expect((await s.api("POST", `/v1/messages/${plain.body.id}/append`, { text: "x" })).status).toBe(409);
        expect((await s.api("POST", `/v1/messages/${empty.body.id}/append`, { text: 5 })).status).toBe(422);
        expect((await s.api("POST", "/v1/messages/msg_unknown/append", { text: "x" })).status).toBe(404);
        expect((await s.api("POST", "/v1/messages/msg_unknown/complete", {})).status).toBe(404);
        await s.api("PATCH", `/v1/conversations/${c.id}`, { status: "closed" });
        const closedAppend = await s.api("POST", `/v1/messages/${empty.body.id}/append`, { text: "x" });
        expect(closedAppend.status).toBe(409);
        expect(closedAppend.body.error.code).toBe("conversation_closed");
      });
    });
  });
});
