import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { databases } from "../helpers/services.ts";

/** Conversations over real HTTP: create, idempotency, list and cursor, patch, route, tags, typing, read, links. */
describe.each(databases())("conversations API on $name", ({ name, available }) => {
  describe.skipIf(!available)("", () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer({ db: name });
    });
    afterAll(async () => {
      await s?.close();
    });

    const create = async (body: Record<string, unknown> = {}) => {
      const res = await s.api("POST", "/v1/conversations", body);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    };

    it("creates a conversation with the contract's defaults", async () => {
      const res = await s.api("POST", "/v1/conversations", {});
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        status: "open",
        priority: "normal",
        channel: "api",
        topic: null,
        summary: null,
        queue: null,
        assignee: null,
        tags: [],
        metadata: {},
        contact: null,
        uniqueId: null,
        firstResponseAt: null,
        closedAt: null,
        lastMessage: null,
        readUpTo: { contact: 0, agent: 0 },
        messages: [],
      });
      expect(res.body.id).toMatch(/^conv_/);
      expect(res.body.siteId).toMatch(/^site_/);
      expect(res.body.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    });

    it("creates with every field, a contact and a first message sent by an agent", async () => {
      const c = await create({
        contact: { name: "Ann Lee", email: "Ann@Example.com", phone: "+46 70-123 45 67", externalId: "user-1" },
        topic: "Billing",
        summary: "Charged twice",
        status: "waiting",
        priority: "high",
        queue: "billing",
        tags: ["vip", "refund", "vip"],
        metadata: { plan: "pro", seats: 3 },
        message: { text: "Hello Ann" },
      });
      expect(c).toMatchObject({
        topic: "Billing",
        summary: "Charged twice",
        status: "waiting",
        priority: "high",
        queue: "billing",
        metadata: { plan: "pro", seats: 3 },
      });
      expect(c.tags.sort()).toEqual(["refund", "vip"]);
      expect(c.contact).toMatchObject({
        name: "Ann Lee",
        email: "ann@example.com",
        phone: "+46701234567",
        externalId: "user-1",
      });
      expect(c.contact.id).toMatch(/^ct_/);
      expect(c.messages).toHaveLength(1);
      expect(c.messages[0]).toMatchObject({
        seq: 1,
        type: "text",
        content: { text: "Hello Ann" },
        state: "complete",
        sender: { type: "agent" },
      });
      expect(c.lastMessage.id).toBe(c.messages[0].id);
      expect(c.firstResponseAt).not.toBeNull();
      const again = await s.api("GET", `/v1/conversations/${c.id}`);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ id: c.id, queue: "billing", lastMessage: { id: c.messages[0].id } });
    });

    it("a first message may come from the contact or a named bot", async () => {
      const fromContact = await create({
        contact: { name: "Bo" },
        message: { text: "Help" },
        sender: { type: "contact" },
      });
      expect(fromContact.messages[0].sender).toMatchObject({ type: "contact", id: fromContact.contact.id });
      expect(fromContact.firstResponseAt).toBeNull();
      const fromBot = await create({ message: { text: "Hi, I am a bot" }, sender: { type: "bot", name: "Helper" } });
      expect(fromBot.messages[0].sender).toMatchObject({ type: "bot", name: "Helper" });
    });

    it("the first message's sender may also be given inside message, and the input is read whole", async () => {
      const fromContact = await create({
        contact: { name: "Di" },
        message: { text: "Help me", sender: { type: "contact" } },
      });
      expect(fromContact.messages[0].sender).toMatchObject({ type: "contact", id: fromContact.contact.id });
      expect(fromContact.readUpTo).toEqual({ contact: 1, agent: 0 });
      const fromBot = await create({ message: { text: "Beep", sender: { type: "bot", name: "Helper" } } });
      expect(fromBot.messages[0].sender).toMatchObject({ type: "bot", name: "Helper" });
      const noContact = await s.api("POST", "/v1/conversations", {
        message: { text: "Who am I?", sender: { type: "contact" } },
      });
      expect(noContact.status).toBe(422);
      // An image input that also carries text stays an image, as it does on POST …/messages.
      const image = await create({
        message: { type: "image", content: { url: "https://example.com/a.png" }, text: "a caption" },
      });
      expect(image.messages[0]).toMatchObject({ type: "image", content: { url: "https://example.com/a.png" } });
      const shorthand = await create({ message: { type: "text", text: "typed shorthand" } });
      expect(shorthand.messages[0]).toMatchObject({ type: "text", content: { text: "typed shorthand" } });
    });

    it("reuses a contact by contactId and by externalId", async () => {
      const first = await create({ contact: { externalId: "ext-reuse", name: "Cy" } });
      const byId = await create({ contactId: first.contact.id });
      expect(byId.contact.id).toBe(first.contact.id);
      const byExternal = await create({ contact: { externalId: "ext-reuse", email: "cy@example.com" } });
      expect(byExternal.contact).toMatchObject({ id: first.contact.id, name: "Cy", email: "cy@example.com" });
      const unknown = await s.api("POST", "/v1/conversations", { contactId: "ct_doesnotexist" });
      expect(unknown.status).toBe(422);
      expect(unknown.body.error.details[0].path).toBe("contactId");
    });

    it("the same uniqueId again answers 200 with the stored conversation and creates nothing", async () => {
      const body = { uniqueId: "order-1001", topic: "Order 1001", message: { text: "Your order shipped" } };
      const first = await s.api("POST", "/v1/conversations", body);
      expect(first.status).toBe(201);
      const second = await s.api("POST", "/v1/conversations", { ...body, topic: "something else" });
      expect(second.status).toBe(200);
      expect(second.body.id).toBe(first.body.id);
      expect(second.body.topic).toBe("Order 1001");
      expect(second.body.messages.map((m: { id: string }) => m.id)).toEqual(
        first.body.messages.map((m: { id: string }) => m.id),
      );
      const history = await s.api("GET", `/v1/conversations/${first.body.id}/messages`);
      expect(history.body.total).toBe(1);
    });

    it("concurrent creates with one uniqueId make exactly one conversation", async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          s.api("POST", "/v1/conversations", { uniqueId: "race-1", message: { text: "once" }, tags: ["race"] }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((x) => x === 201)).toHaveLength(1);
      expect(statuses.filter((x) => x === 200)).toHaveLength(19);
      expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
      const list = await s.api("GET", "/v1/conversations?tag=race&limit=100");
      expect(list.body.items).toHaveLength(1);
      const history = await s.api("GET", `/v1/conversations/${results[0]!.body.id}/messages`);
      expect(history.body.total).toBe(1);
    });

    it("patches fields, merges metadata, and refuses every change once closed", async () => {
      const c = await create({ metadata: { a: 1 } });
      const agents = await s.api("GET", "/v1/agents");
      const agentId = agents.body.items[0].id;
      const patched = await s.api("PATCH", `/v1/conversations/${c.id}`, {
        priority: "urgent",
        topic: "T",
        summary: "S",
        queue: "q1",
        assignee: agentId,
        metadata: { b: 2 },
        status: "solved",
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({
        priority: "urgent",
        topic: "T",
        summary: "S",
        queue: "q1",
        assignee: agentId,
        metadata: { a: 1, b: 2 },
        status: "solved",
        closedAt: null,
      });
      expect(patched.body.updatedAt >= c.updatedAt).toBe(true);
      const cleared = await s.api("PATCH", `/v1/conversations/${c.id}`, { topic: null, assignee: null });
      expect(cleared.body).toMatchObject({ topic: null, assignee: null });
      const badAssignee = await s.api("PATCH", `/v1/conversations/${c.id}`, { assignee: "ag_nobody" });
      expect(badAssignee.status).toBe(422);

      const closed = await s.api("PATCH", `/v1/conversations/${c.id}`, { status: "closed" });
      expect(closed.status).toBe(200);
      expect(closed.body.status).toBe("closed");
      expect(closed.body.closedAt).not.toBeNull();

      const attempts = [
        s.api("PATCH", `/v1/conversations/${c.id}`, { status: "open" }),
        s.api("PATCH", `/v1/conversations/${c.id}`, { priority: "low" }),
        s.api("POST", `/v1/conversations/${c.id}/messages`, { text: "too late" }),
        s.api("POST", `/v1/conversations/${c.id}/route`),
        s.api("PUT", `/v1/conversations/${c.id}/tags/late`),
        s.api("DELETE", `/v1/conversations/${c.id}/tags/late`),
        s.api("POST", `/v1/conversations/${c.id}/typing`, { typing: true }),
      ];
      for (const res of await Promise.all(attempts)) {
        expect(res.status).toBe(409);
        expect(res.body.error.code).toBe("conversation_closed");
      }
      const after = await s.api("GET", `/v1/conversations/${c.id}`);
      expect(after.body).toMatchObject({ status: "closed", priority: "urgent", tags: [], lastMessage: null });
    });

    it("route unassigns and reopens", async () => {
      const agents = await s.api("GET", "/v1/agents");
      const c = await create({ assignee: agents.body.items[0].id, status: "waiting", queue: "sales" });
      const routed = await s.api("POST", `/v1/conversations/${c.id}/route`);
      expect(routed.status).toBe(200);
      expect(routed.body).toMatchObject({ id: c.id, assignee: null, status: "open", queue: "sales" });
      const again = await s.api("POST", `/v1/conversations/${c.id}/route`);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ assignee: null, status: "open" });
    });

    it("tags are idempotent and return the conversation", async () => {
      const c = await create();
      for (let i = 0; i < 2; i++) {
        const res = await s.api("PUT", `/v1/conversations/${c.id}/tags/needs%20reply`);
        expect(res.status).toBe(200);
        expect(res.body.tags).toEqual(["needs reply"]);
      }
      const unicode = await s.api("PUT", `/v1/conversations/${c.id}/tags/${encodeURIComponent("överföring-✓")}`);
      expect(unicode.body.tags.sort()).toEqual(["needs reply", "överföring-✓"].sort());
      for (let i = 0; i < 2; i++) {
        const res = await s.api("DELETE", `/v1/conversations/${c.id}/tags/needs%20reply`);
        expect(res.status).toBe(200);
        expect(res.body.tags).toEqual(["överföring-✓"]);
      }
      const notThere = await s.api("DELETE", `/v1/conversations/${c.id}/tags/never-set`);
      expect(notThere.status).toBe(200);
      expect(notThere.body.tags).toEqual(["överföring-✓"]);
    });

    it("typing answers 204 and needs a boolean", async () => {
      const c = await create();
      expect((await s.api("POST", `/v1/conversations/${c.id}/typing`, { typing: true })).status).toBe(204);
      expect((await s.api("POST", `/v1/conversations/${c.id}/typing`, { typing: false })).status).toBe(204);
      const bad = await s.api("POST", `/v1/conversations/${c.id}/typing`, { typing: "yes" });
      expect(bad.status).toBe(422);
      expect(bad.body.error.details[0].path).toBe("typing");
    });

    it("read moves the agent's marker forward, never back, never past the last message", async () => {
      const c = await create({ contact: { name: "Dee" }, message: { text: "1" }, sender: { type: "contact" } });
      for (const text of ["2", "3"]) await s.api("POST", `/v1/conversations/${c.id}/messages`, { text });
      // Agent messages count as read by the agent side.
      expect((await s.api("GET", `/v1/conversations/${c.id}`)).body.readUpTo.agent).toBe(3);
      const c2 = await create({ contact: { name: "Eve" }, message: { text: "a" }, sender: { type: "contact" } });
      const r0 = await s.api("GET", `/v1/conversations/${c2.id}`);
      expect(r0.body.readUpTo).toEqual({ contact: 1, agent: 0 });
      const r1 = await s.api("POST", `/v1/conversations/${c2.id}/read`, { seq: 1 });
      expect(r1.status).toBe(200);
      expect(r1.body.readUpTo.agent).toBe(1);
      const back = await s.api("POST", `/v1/conversations/${c2.id}/read`, { seq: 0 });
      expect(back.status).toBe(200);
      expect(back.body.readUpTo.agent).toBe(1);
      const beyond = await s.api("POST", `/v1/conversations/${c2.id}/read`, { seq: 99 });
      expect(beyond.status).toBe(422);
      expect((await s.api("GET", `/v1/conversations/${c2.id}`)).body.readUpTo.agent).toBe(1);
      expect((await s.api("POST", `/v1/conversations/${c2.id}/read`, { seq: -1 })).status).toBe(422);
      expect((await s.api("POST", `/v1/conversations/${c2.id}/read`, {})).status).toBe(422);
    });

    it("links: one entry per identifier, in the order asked, empty where none, 400 with none", async () => {
      const a = await create({ contact: { phone: "+1 (555) 010-0001", email: "links-a@example.com" } });
      const b = await create({ contactId: a.contact.id });
      const res = await s.api(
        "GET",
        `/v1/conversations/links?email=nobody@example.com&phone=${encodeURIComponent("+15550100001")}&email=LINKS-A@example.com`,
      );
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(3);
      expect(res.body[0]).toEqual({ email: "nobody@example.com", conversations: [] });
      expect(res.body[1].phone).toBe("+15550100001");
      expect(res.body[2].email).toBe("LINKS-A@example.com");
      for (const entry of [res.body[1], res.body[2]]) {
        expect(entry.conversations.map((c: { id: string }) => c.id).sort()).toEqual([a.id, b.id].sort());
        for (const conv of entry.conversations) {
          expect(conv.link).toContain(conv.id);
          expect(conv.createdAt).toMatch(/Z$/);
          expect(Object.keys(conv).sort()).toEqual(["createdAt", "id", "link"]);
        }
      }
      const none = await s.api("GET", "/v1/conversations/links");
      expect(none.status).toBe(400);
      expect(none.body.error.code).toBe("bad_request");
      for (const blank of ["phone=", "email=", "phone=&email=%20"]) {
        const res = await s.api("GET", `/v1/conversations/links?${blank}`);
        expect(res.status, blank).toBe(400);
        expect(res.body.error.code).toBe("bad_request");
      }
      const withBlank = await s.api("GET", "/v1/conversations/links?phone=&email=LINKS-A@example.com");
      expect(withBlank.status).toBe(200);
      expect(withBlank.body.map((e: { email?: string; phone?: string }) => e.email ?? e.phone)).toEqual([
        "LINKS-A@example.com",
      ]);
      const unrelated = await s.api("GET", "/v1/conversations/links?foo=bar");
      expect(unrelated.status).toBeGreaterThanOrEqual(400);
      expect(unrelated.status).toBeLessThan(500);
    });

    it("contacts: get and patch", async () => {
      const c = await create({ contact: { name: "Fay", email: "fay@example.com", metadata: { a: 1 } } });
      const got = await s.api("GET", `/v1/contacts/${c.contact.id}`);
      expect(got.status).toBe(200);
      expect(got.body).toMatchObject({
        id: c.contact.id,
        name: "Fay",
        email: "fay@example.com",
        phone: null,
        externalId: null,
        metadata: { a: 1 },
      });
      const patched = await s.api("PATCH", `/v1/contacts/${c.contact.id}`, {
        name: "Fay Wong",
        phone: "+44 20 7946 0000",
        metadata: { b: 2 },
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({
        name: "Fay Wong",
        email: "fay@example.com",
        phone: "+442079460000",
        metadata: { a: 1, b: 2 },
      });
      expect((await s.api("GET", `/v1/conversations/${c.id}`)).body.contact.name).toBe("Fay Wong");
      const cleared = await s.api("PATCH", `/v1/contacts/${c.contact.id}`, { email: null });
      expect(cleared.body.email).toBeNull();
      const bad = await s.api("PATCH", `/v1/contacts/${c.contact.id}`, { email: "not an email", phone: "call me" });
      expect(bad.status).toBe(422);
      expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(["email", "phone"]);
      expect((await s.api("GET", "/v1/contacts/ct_nope")).status).toBe(404);
      const other = await create({ contact: { externalId: "taken-ext" } });
      const clash = await s.api("PATCH", `/v1/contacts/${c.contact.id}`, { externalId: "taken-ext" });
      expect(clash.status).toBe(409);
      expect(other.contact.externalId).toBe("taken-ext");
    });

    describe("list", () => {
      // A site of its own keeps this listing apart from the other tests' conversations.
      let siteId: string;
      const ids: Record<string, string> = {};
      let agentId: string;
      let contactId: string;
      beforeAll(async () => {
        siteId = (await s.api("POST", "/v1/sites", { name: "List site" })).body.id;
        agentId = (
          await s.api("POST", "/v1/agents", {
            name: "Lister",
            email: `lister-${name}@example.com`,
            password: "long enough pw",
          })
        ).body.id;
        const mk = async (key: string, body: Record<string, unknown>) => {
          ids[key] = (await create({ siteId, ...body })).id;
        };
        await mk("plain", {});
        await mk("waiting", { status: "waiting" });
        await mk("urgent", { priority: "urgent" });
        await mk("queued", { queue: "billing" });
        await mk("assigned", { assignee: agentId });
        await mk("tagged", { tags: ["vip"] });
        const withContact = await create({ siteId, contact: { name: "Gil" } });
        ids.contact = withContact.id;
        contactId = withContact.contact.id;
        await mk("solved", {});
        await s.api("PATCH", `/v1/conversations/${ids.solved}`, { status: "solved" });
      });

      const list = async (query: string) => {
        const res = await s.api("GET", `/v1/conversations?siteId=${siteId}&limit=100${query}`);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        return res.body.items.map((c: { id: string }) => c.id) as string[];
      };

      it("orders by newest update first", async () => {
        const all = await list("");
        expect(all).toHaveLength(8);
        expect(all[0]).toBe(ids.solved);
        const res = await s.api("GET", `/v1/conversations?siteId=${siteId}&limit=100`);
        const updated = res.body.items.map((c: { updatedAt: string }) => c.updatedAt);
        expect([...updated].sort().reverse()).toEqual(updated);
        expect(res.body.hasMore).toBe(false);
        expect(res.body.nextCursor).toBeNull();
      });

      it("filters by every field", async () => {
        expect(await list("&status=waiting")).toEqual([ids.waiting]);
        expect(await list("&status=solved")).toEqual([ids.solved]);
        expect(await list("&priority=urgent")).toEqual([ids.urgent]);
        expect(await list("&queue=billing")).toEqual([ids.queued]);
        expect(await list(`&assignee=${agentId}`)).toEqual([ids.assigned]);
        expect(await list("&assignee=none")).toHaveLength(7);
        expect(await list("&tag=vip")).toEqual([ids.tagged]);
        expect(await list(`&contactId=${contactId}`)).toEqual([ids.contact]);
        expect(await list("&channel=api")).toHaveLength(8);
        expect(await list("&channel=widget")).toEqual([]);
        expect(await list("&status=open&priority=urgent")).toEqual([ids.urgent]);
        const solvedAt = (await s.api("GET", `/v1/conversations/${ids.solved}`)).body.updatedAt;
        expect(await list(`&updatedSince=${encodeURIComponent(solvedAt)}`)).toEqual([ids.solved]);
        expect(await list("&updatedSince=2999-01-01T00:00:00Z")).toEqual([]);
      });

      it("rejects bad filter values with 422 naming the field", async () => {
        for (const [q, path] of [
          ["status=nope", "status"],
          ["priority=1", "priority"],
          ["channel=sms", "channel"],
          ["updatedSince=yesterday", "updatedSince"],
          ["limit=0", "limit"],
          ["limit=101", "limit"],
          ["limit=-5", "limit"],
          ["limit=1.5", "limit"],
          ["assignee=bob", "assignee"],
          ["cursor=garbage", "cursor"],
        ] as const) {
          const res = await s.api("GET", `/v1/conversations?${q}`);
          expect(res.status, q).toBe(422);
          expect(res.body.error.code).toBe("validation_failed");
          expect(
            res.body.error.details.map((d: { path: string }) => d.path),
            q,
          ).toContain(path);
        }
      });

      it("walks every page with the cursor: none twice, none missing", async () => {
        const all = await list("");
        for (const limit of [1, 3, 7]) {
          const seen: string[] = [];
          let cursor: string | null = null;
          for (let pages = 0; pages < 20; pages++) {
            const res: {
              status: number;
              body: { items: { id: string }[]; hasMore: boolean; nextCursor: string | null };
            } = await s.api(
              "GET",
              `/v1/conversations?siteId=${siteId}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
            );
            expect(res.status).toBe(200);
            expect(res.body.items.length).toBeLessThanOrEqual(limit);
            seen.push(...res.body.items.map((c) => c.id));
            expect(res.body.hasMore).toBe(res.body.nextCursor !== null);
            if (!res.body.hasMore) break;
            cursor = res.body.nextCursor;
          }
          expect(seen).toEqual(all);
        }
      });

      it("a cursor walk stays whole while conversations are updated during it", async () => {
        const before = await list("");
        const first = await s.api("GET", `/v1/conversations?siteId=${siteId}&limit=4`);
        // Touch one already seen: it moves to the front, it must not show up again in the rest of the walk.
        await s.api("PUT", `/v1/conversations/${first.body.items[1].id}/tags/touched`);
        const rest = await s.api(
          "GET",
          `/v1/conversations?siteId=${siteId}&limit=100&cursor=${encodeURIComponent(first.body.nextCursor)}`,
        );
        const seen = [...first.body.items, ...rest.body.items].map((c: { id: string }) => c.id);
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen.sort()).toEqual([...before].sort());
      });

      it("the default page is 20", async () => {
        const many = (await s.api("POST", "/v1/sites", { name: "Many" })).body.id;
        for (let i = 0; i < 21; i++) await create({ siteId: many });
        const res = await s.api("GET", `/v1/conversations?siteId=${many}`);
        expect(res.body.items).toHaveLength(20);
        expect(res.body.hasMore).toBe(true);
        expect(typeof res.body.nextCursor).toBe("string");
      });
    });
  });
});
