import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  clientId,
  connectVisitor,
  refusedHandshake,
  text,
  topologies,
  type Deployment,
  type Visitor,
} from "./realtime-helpers.ts";

/**
 * The widget ↔ relay protocol over real sockets: the visitor connects to one node, agents act
 * over REST (on a second node when the deployment has two, joined by Redis).
 */
for (const topology of topologies) {
  describe.skipIf(!topology.available)(`visitor relay, ${topology.name}`, () => {
    let d: Deployment;
    let url: string;
    const open: Visitor[] = [];
    const visitor = async (auth: Record<string, unknown> = {}, origin?: string) => {
      const v = await connectVisitor(url, { siteKey: d.visitorNode.siteKey, ...auth }, origin);
      open.push(v);
      return v;
    };
    const rest = (method: string, path: string, body?: unknown) => d.restNode.api(method, path, body);
    /** A visitor with a conversation started by its first message. */
    const withConversation = async (first = "Hello") => {
      const v = await visitor();
      const ack = await v.call("send", { clientId: clientId(), message: text(first) });
      expect(ack.ok).toBe(true);
      return { v, conversationId: ack.conversation.id as string, ack };
    };

    beforeAll(async () => {
      d = await topology.start();
      url = d.visitorNode.url;
    });
    afterAll(async () => {
      for (const v of open) v.close();
      await d?.close();
    });

    it("is ready when its database (and Redis, when configured) answer", async () => {
      for (const node of new Set([d.visitorNode, d.restNode])) {
        const res = await fetch(`${node.url}/readyz`);
        expect(res.status).toBe(200);
        expect((await res.json()).checks).toEqual(
          topology.redis ? { database: "ok", redis: "ok" } : { database: "ok" },
        );
      }
    });

    it("refuses the handshake for an unknown site key", async () => {
      const err = await refusedHandshake(url, { siteKey: "pk_nobody" });
      expect(err.message).toMatch(/unknown site key/i);
      expect(err.data?.code).toBe("not_found");
    });

    it("refuses the handshake for an origin the site does not allow, and accepts an allowed one", async () => {
      const site = await rest("POST", "/v1/sites", { name: "Shop", allowedOrigins: ["https://shop.example"] });
      expect(site.status).toBe(201);
      const err = await refusedHandshake(url, { siteKey: site.body.siteKey }, "https://evil.example");
      expect(err.message).toMatch(/may not be embedded/);
      expect(err.data?.code).toBe("forbidden");
      const ok = await connectVisitor(url, { siteKey: site.body.siteKey }, "https://shop.example");
      open.push(ok);
      expect(ok.welcome.site.name).toBe("Shop");
    });

    it("issues a visitor token and keeps the identity on reconnect", async () => {
      const first = await visitor();
      expect(first.welcome.visitorToken).toMatch(/^vt_/);
      const { visitorId, visitorToken } = first.welcome;
      first.close();
      const again = await visitor({ visitorToken });
      expect(again.welcome.visitorId).toBe(visitorId);
      expect(again.welcome.visitorToken).toBe(visitorToken);
      const stranger = await visitor({ visitorToken: "vt_forged" });
      expect(stranger.welcome.visitorId).not.toBe(visitorId);
    });

    it("starts a widget conversation with the first send, visible over REST, and resumes it after reconnect", async () => {
      const { v, conversationId, ack } = await withConversation("Where is my order?");
      expect(ack.message).toMatchObject({
        seq: 1,
        sender: { type: "contact" },
        content: { text: "Where is my order?" },
      });
      const got = await rest("GET", `/v1/conversations/${conversationId}`);
      expect(got.body).toMatchObject({
        channel: "widget",
        status: "open",
        lastMessage: { seq: 1, content: { text: "Where is my order?" } },
      });
      expect(got.body.contact).not.toBeNull();
      v.close();
      const back = await visitor({ visitorToken: v.welcome.visitorToken });
      expect(back.welcome.conversationId).toBe(conversationId);
    });

    it("never duplicates a message sent again with the same client id, also concurrently", async () => {
      const v = await visitor();
      const firstId = clientId();
      const firsts = await Promise.all(
        [1, 2, 3].map(() => v.call("send", { clientId: firstId, message: text("one") })),
      );
      expect(firsts.every((a) => a.ok)).toBe(true);
      expect(new Set(firsts.map((a) => a.message.id)).size).toBe(1);
      const conversationId = firsts[0].conversation.id;
      const secondId = clientId();
      const seconds = await Promise.all(
        [1, 2, 3].map(() => v.call("send", { clientId: secondId, conversationId, message: text("two") })),
      );
      expect(new Set(seconds.map((a) => a.message.id)).size).toBe(1);
      const later = await v.call("send", { clientId: firstId, conversationId, message: text("one") });
      expect(later.message.id).toBe(firsts[0].message.id);
      expect(later.message.clientId).toBe(firstId);
      const history = await rest("GET", `/v1/conversations/${conversationId}/messages`);
      expect(history.body.total).toBe(2);
      expect(history.body.items.map((m: any) => m.content.text)).toEqual(["two", "one"]);
    });

    it("refuses what fails validation, with the failing fields", async () => {
      const v = await visitor();
      const bad = await v.call("send", { clientId: "x", message: { type: "text", content: { text: "" } } } as any);
      expect(bad.ok).toBe(false);
      expect(bad.error.code).toBe("validation_failed");
      expect(bad.error.details.map((d: any) => d.path)).toEqual(
        expect.arrayContaining(["clientId", "message.content.text"]),
      );
    });

    it("delivers an agent message posted over REST to the visitor at once", async () => {
      const { v, conversationId } = await withConversation();
      const posted = await rest("POST", `/v1/conversations/${conversationId}/messages`, {
        text: "Hi, I am Ada",
        sender: { type: "agent", name: "Ada" },
      });
      expect(posted.status).toBe(201);
      const live = await v.next("message", (e: any) => e.message.sender.type === "agent");
      expect(live.message).toMatchObject({ id: posted.body.id, seq: 2, content: { text: "Hi, I am Ada" } });
      expect(live.conversation).toEqual({
        id: conversationId,
        status: "open",
        lastSeq: 2,
        readUpTo: { contact: 1, agent: 2 },
        rating: null,
      });
    });

    it("streams a message's deltas in order, then completes it", async () => {
      const { v, conversationId } = await withConversation();
      const started = await rest("POST", `/v1/conversations/${conversationId}/messages`, {
        text: "",
        streaming: true,
        sender: { type: "bot", name: "Bot" },
      });
      expect(started.status).toBe(201);
      const id = started.body.id;
      for (const part of ["Hel", "lo, ", "world"])
        expect((await rest("POST", `/v1/messages/${id}/append`, { text: part })).status).toBe(200);
      expect((await rest("POST", `/v1/messages/${id}/complete`, {})).status).toBe(200);
      const done = await v.next("message.completed", (e: any) => e.message.id === id);
      expect(done.message).toMatchObject({ state: "complete", content: { text: "Hello, world" } });
      const created = await v.next("message", (e: any) => e.message.id === id);
      expect(created.message.state).toBe("streaming");
      const deltas = v.events("message.delta").filter((e) => e.messageId === id);
      expect(deltas.map((e) => [e.offset, e.text])).toEqual([
        [0, "Hel"],
        [3, "lo, "],
        [7, "world"],
      ]);
      const full = await v.call("message.get", { messageId: id });
      expect(full.message.content.text).toBe("Hello, world");
    });

    it("shows the agent typing and reading, and records what the visitor read", async () => {
      const { v, conversationId } = await withConversation();
      expect((await rest("POST", `/v1/conversations/${conversationId}/typing`, { typing: true })).status).toBe(204);
      expect(await v.next("typing", (e: any) => e.conversationId === conversationId)).toMatchObject({ typing: true });
      expect((await rest("POST", `/v1/conversations/${conversationId}/read`, { seq: 1 })).status).toBe(200);
      expect(await v.next("read", (e: any) => e.side === "agent")).toEqual({ conversationId, side: "agent", seq: 1 });
      await rest("POST", `/v1/conversations/${conversationId}/messages`, { text: "Anything else?" });
      const read = await v.call("read", { conversationId, seq: 2 });
      expect(read.conversation.readUpTo).toEqual({ contact: 2, agent: 2 });
      expect((await rest("GET", `/v1/conversations/${conversationId}`)).body.readUpTo.contact).toBe(2);
      expect((await v.call("typing", { conversationId, typing: true })).ok).toBe(true);
    });

    it("gives a reconnecting visitor exactly what it missed, in pages, without gap or duplicate", async () => {
      const { v, conversationId } = await withConversation();
      await rest("POST", `/v1/conversations/${conversationId}/messages`, { text: "seen live" });
      await v.next("message", (e: any) => e.message.seq === 2);
      v.close();
      for (let i = 0; i < 105; i++) {
        const r = await rest("POST", `/v1/conversations/${conversationId}/messages`, { text: `missed ${i}` });
        expect(r.status).toBe(201);
      }
      const back = await visitor({ visitorToken: v.welcome.visitorToken });
      const seqs: number[] = [];
      let after = 2;
      for (;;) {
        const page = await back.call("resync", { conversationId, afterSeq: after });
        expect(page.ok).toBe(true);
        seqs.push(...page.messages.map((m: any) => m.seq));
        if (!page.hasMore) break;
        after = page.messages.at(-1).seq;
      }
      expect(seqs).toEqual(Array.from({ length: 105 }, (_, i) => i + 3));
      // Following again after the resync: the next message arrives live.
      await rest("POST", `/v1/conversations/${conversationId}/messages`, { text: "live again" });
      expect((await back.next("message", (e: any) => e.message.seq === 108)).message.content.text).toBe("live again");
    });

    it("keeps every visitor to its own conversations: by id, in resync, in sends and live", async () => {
      const a = await withConversation("A's secret");
      const b = await withConversation("B's question");
      const aMessage = a.ack.message.id;
      const resync = await b.v.call("resync", { conversationId: a.conversationId, afterSeq: 0 });
      expect(resync).toMatchObject({ ok: false, error: { code: "not_found" } });
      const send = await b.v.call("send", {
        clientId: clientId(),
        conversationId: a.conversationId,
        message: text("let me in"),
      });
      expect(send).toMatchObject({ ok: false, error: { code: "not_found" } });
      expect((await b.v.call("message.get", { messageId: aMessage })).error.code).toBe("not_found");
      expect((await b.v.call("read", { conversationId: a.conversationId, seq: 1 })).error.code).toBe("not_found");
      expect((await b.v.call("typing", { conversationId: a.conversationId, typing: true })).error.code).toBe(
        "not_found",
      );
      expect((await rest("GET", `/v1/conversations/${a.conversationId}/messages`)).body.total).toBe(1);
      await rest("POST", `/v1/conversations/${a.conversationId}/messages`, { text: "for A only" });
      await rest("POST", `/v1/conversations/${b.conversationId}/messages`, { text: "for B" });
      await b.v.next("message", (e: any) => e.message.content.text === "for B");
      expect(b.v.events("message").every((e) => e.message.conversationId === b.conversationId)).toBe(true);
      expect(b.v.welcome.conversationId).toBeNull();
    });

    it("tells a visitor's other tabs about a conversation it started", async () => {
      const first = await visitor();
      const second = await visitor({ visitorToken: first.welcome.visitorToken });
      const ack = await first.call("send", { clientId: clientId(), message: text("from tab one") });
      const told = await second.next("conversation.started");
      expect(told.conversationId).toBe(ack.conversation.id);
      const page = await second.call("resync", { conversationId: told.conversationId, afterSeq: 0 });
      expect(page.messages.map((m: any) => m.clientId)).toEqual([ack.message.clientId]);
      await first.call("send", { clientId: clientId(), conversationId: told.conversationId, message: text("again") });
      expect((await second.next("message", (e: any) => e.message.seq === 2)).message.clientId).toBeTruthy();
    });

    describe("identity", () => {
      const secret = "shh-identity-secret";
      let siteKey: string;
      const hash = (id: string) => crypto.createHmac("sha256", secret).update(id).digest("hex");
      beforeAll(async () => {
        siteKey = (await rest("POST", "/v1/sites", { name: "Verified", identitySecret: secret })).body.siteKey;
      });

      it("refuses an identity whose hash is wrong; the visitor stays anonymous", async () => {
        const v = await visitor({ siteKey, user: { id: "user-1", name: "Mallory", hash: "00".repeat(32) } });
        expect(v.welcome).toMatchObject({ identified: false, contactId: null });
        const refused = await v.call("identify", { id: "user-1", hash: hash("user-2") });
        expect(refused).toMatchObject({ ok: false, error: { code: "forbidden" } });
        const noHash = await v.call("identify", { id: "user-1" });
        expect(noHash.ok).toBe(false);
      });

      it("links a verified identity to its contact, also from another device", async () => {
        const v = await visitor({
          siteKey,
          user: { id: "user-7", name: "Grace", email: "grace@example.com", hash: hash("user-7") },
        });
        expect(v.welcome.identified).toBe(true);
        const ack = await v.call("send", { clientId: clientId(), message: text("Hi, it's Grace") });
        const conversation = await rest("GET", `/v1/conversations/${ack.conversation.id}`);
        expect(conversation.body.contact).toMatchObject({
          externalId: "user-7",
          name: "Grace",
          email: "grace@example.com",
        });
        const laptop = await visitor({ siteKey });
        expect(laptop.welcome.conversationId).toBeNull();
        const identified = await laptop.call("identify", { id: "user-7", hash: hash("user-7") });
        expect(identified).toMatchObject({ ok: true, identified: true, contactId: conversation.body.contact.id });
        expect(
          (await laptop.call("resync", { conversationId: ack.conversation.id, afterSeq: 0 })).messages,
        ).toHaveLength(1);
      });

      it("moves a visitor identified as another user to a fresh visitor", async () => {
        const v = await visitor({ siteKey, user: { id: "user-8", hash: hash("user-8") } });
        const ack = await v.call("send", { clientId: clientId(), message: text("user 8 here") });
        const switched = await v.call("identify", { id: "user-9", hash: hash("user-9") });
        expect(switched.ok).toBe(true);
        expect(switched.visitorToken).toMatch(/^vt_/);
        expect(switched.visitorToken).not.toBe(v.welcome.visitorToken);
        expect((await v.call("resync", { conversationId: ack.conversation.id, afterSeq: 0 })).error.code).toBe(
          "not_found",
        );
      });

      it("connects a visitor whose user does not parse, anonymously", async () => {
        const v = await visitor({ user: { id: "crm-1", email: "not an email" } });
        expect(v.welcome).toMatchObject({ identified: false, contactId: null });
        const extra = await visitor({ user: { id: "crm-2", name: "Bo", company: "Acme" } });
        expect(extra.welcome.identified).toBe(true);
      });

      it("takes id, name and email as given on a site without a secret", async () => {
        const v = await visitor({ user: { id: "crm-42", name: "Ann" } });
        expect(v.welcome.identified).toBe(true);
        const ack = await v.call("send", { clientId: clientId(), message: text("hello") });
        expect((await rest("GET", `/v1/conversations/${ack.conversation.id}`)).body.contact).toMatchObject({
          externalId: "crm-42",
          name: "Ann",
        });
      });
    });
  });
}

describe("GET /v1/widget/config", () => {
  let d: Deployment;
  beforeAll(async () => {
    d = await topologies[0]!.start();
  });
  afterAll(async () => d?.close());
  const config = (siteKey: string, origin?: string) =>
    fetch(`${d.visitorNode.url}/v1/widget/config?siteKey=${encodeURIComponent(siteKey)}`, {
      headers: origin ? { Origin: origin } : {},
    });

  it("answers the site's theme, greeting and name without a token", async () => {
    const site = await d.restNode.api("POST", "/v1/sites", {
      name: "Themed",
      greeting: "Hej!",
      theme: { primaryColor: "#16a34a" },
      allowedOrigins: ["https://shop.example"],
    });
    const res = await config(site.body.siteKey, "https://shop.example");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      siteKey: site.body.siteKey,
      name: "Themed",
      greeting: "Hej!",
      theme: { primaryColor: "#16a34a" },
    });
    const refused = await config(site.body.siteKey, "https://evil.example");
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe("forbidden");
  });

  it("answers 404 for an unknown key and 422 without one", async () => {
    const res = await config("pk_unknown");
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe("not_found");
    expect((await fetch(`${d.visitorNode.url}/v1/widget/config`)).status).toBe(422);
  });
});
