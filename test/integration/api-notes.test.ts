import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Socket } from "socket.io-client";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { databases } from "../helpers/services.ts";
import { agentSocket, agentWithRole, callerWith, signedIn } from "../helpers/agents.ts";
import { clientId, connectVisitor, text, type Visitor } from "./realtime-helpers.ts";
import { startReceiver, type Receiver } from "./webhooks-receiver.ts";

const fast = { PARLEY_WEBHOOK_ALLOW_PRIVATE: "1", PARLEY_WEBHOOK_BACKOFF_MS: "40", PARLEY_WEBHOOK_TIMEOUT_MS: "400" };

/** Private notes over real HTTP and sockets: stored for the team, never heard by the visitor. */
describe.each(databases())("private notes on $name", ({ name, available }) => {
  describe.skipIf(!available)("", () => {
    let s: TestServer;
    let receiver: Receiver;
    const visitors: Visitor[] = [];
    const sockets: Socket[] = [];
    beforeAll(async () => {
      s = await startTestServer({ db: name, env: fast });
      receiver = await startReceiver();
      expect((await s.api("POST", "/v1/webhooks", { url: receiver.url, events: ["note.created"] })).status).toBe(201);
    });
    afterAll(async () => {
      for (const v of visitors) v.close();
      for (const k of sockets) k.disconnect();
      await s?.close();
      await receiver?.close();
    });

    const conversation = async (body: Record<string, unknown> = {}) =>
      (await s.api("POST", "/v1/conversations", { contact: { name: "Noor" }, ...body })).body as { id: string };
    const notesOf = async (id: string) => (await s.api("GET", `/v1/conversations/${id}/notes`)).body.items as any[];

    it("stores a note after the last message, without a seq, oldest first in the list", async () => {
      const b = await agentWithRole(s, "agent");
      const c = await conversation({ message: { text: "Hello" } });
      await s.api("POST", `/v1/conversations/${c.id}/messages`, { text: "Second" });
      const first = await s.api("POST", `/v1/conversations/${c.id}/notes`, {
        text: "Refund approved",
        mentions: [b.id],
      });
      expect(first.status, JSON.stringify(first.body)).toBe(201);
      expect(first.body).toEqual({
        id: expect.stringMatching(/^note_/),
        conversationId: c.id,
        author: { type: "token", id: expect.any(String), name: expect.any(String) },
        text: "Refund approved",
        mentions: [b.id],
        afterSeq: 2,
        createdAt: expect.any(String),
      });
      const second = await b.call("POST", `/v1/conversations/${c.id}/notes`, { text: "Thanks, on it" });
      expect(second.status).toBe(201);
      expect(second.body.author).toEqual({ type: "agent", id: b.id, name: "A agent" });
      expect(second.body.mentions).toEqual([]);
      expect((await notesOf(c.id)).map((n) => n.text)).toEqual(["Refund approved", "Thanks, on it"]);
      // The history does not hold notes, and the next message takes the next seq.
      const history = await s.api("GET", `/v1/conversations/${c.id}/messages`);
      expect(history.body.total).toBe(2);
      expect(JSON.stringify(history.body)).not.toContain("Refund approved");
      expect((await s.api("POST", `/v1/conversations/${c.id}/messages`, { text: "Third" })).body.seq).toBe(3);
    });

    it("refuses a mention of an unknown or deactivated agent, an empty text, and stores nothing", async () => {
      const c = await conversation();
      const gone = await agentWithRole(s, "agent");
      expect((await s.api("PATCH", `/v1/agents/${gone.id}`, { active: false })).status).toBe(200);
      for (const [body, path] of [
        [{ text: "hi", mentions: ["ag_doesnotexist"] }, "mentions.0"],
        [{ text: "hi", mentions: [gone.id] }, "mentions.0"],
        [{ text: "" }, "text"],
        [{ text: "   " }, "text"],
        [{ mentions: [] }, "text"],
        [{ text: "hi", mentions: ["someone"] }, "mentions.0"],
      ] as const) {
        const res = await s.api("POST", `/v1/conversations/${c.id}/notes`, body);
        expect(res.status, JSON.stringify(body)).toBe(422);
        expect(res.body.error.code).toBe("validation_failed");
        expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
      }
      expect(await notesOf(c.id)).toEqual([]);
    });

    it("answers 404 for another site's conversation and an unknown one", async () => {
      const other = await s.api("POST", "/v1/sites", { name: `Other ${name}` });
      const token = await s.api("POST", "/v1/tokens", { name: "other site", siteId: other.body.id });
      const otherSite = callerWith(s, { authorization: `Bearer ${token.body.secret}` });
      const c = await conversation();
      expect((await otherSite("POST", `/v1/conversations/${c.id}/notes`, { text: "peek" })).status).toBe(404);
      expect((await otherSite("GET", `/v1/conversations/${c.id}/notes`)).status).toBe(404);
      expect((await s.api("POST", "/v1/conversations/conv_nope/notes", { text: "x" })).status).toBe(404);
      expect(await notesOf(c.id)).toEqual([]);
    });

    it("takes notes on a closed conversation", async () => {
      const c = await conversation();
      await s.api("PATCH", `/v1/conversations/${c.id}`, { status: "closed" });
      expect((await s.api("POST", `/v1/conversations/${c.id}/notes`, { text: "Post-mortem" })).status).toBe(201);
    });

    it("lists the conversations where an agent is mentioned (mentions=ag_… or me)", async () => {
      const b = await agentWithRole(s, "agent");
      const mentioned = await conversation();
      await conversation();
      await s.api("POST", `/v1/conversations/${mentioned.id}/notes`, { text: "look", mentions: [b.id, b.id] });
      const byId = await s.api("GET", `/v1/conversations?mentions=${b.id}&status=open`);
      expect(byId.body.items.map((c: { id: string }) => c.id)).toEqual([mentioned.id]);
      const mine = await b.call("GET", "/v1/conversations?mentions=me");
      expect(mine.body.items.map((c: { id: string }) => c.id)).toEqual([mentioned.id]);
      const tokenMe = await s.api("GET", "/v1/conversations?mentions=me");
      expect(tokenMe.status).toBe(422);
    });

    it("never reaches the visitor: not live, not in resync; agents hear it live and webhooks get note.created", async () => {
      const owner = await signedIn(s, "admin@localhost", s.adminPassword);
      const b = await agentWithRole(s, "agent");
      const live = await agentSocket(s.url, b.call.headers.cookie!);
      sockets.push(live);
      const visitor = await connectVisitor(s.url, { siteKey: s.siteKey });
      visitors.push(visitor);
      const sent = await visitor.call("send", { clientId: clientId(), message: text("I need help") });
      expect(sent.ok).toBe(true);
      const conversationId = sent.message.conversationId as string;

      const heardNote = new Promise<any>((resolve) => live.on("note.created", resolve));
      const note = await owner("POST", `/v1/conversations/${conversationId}/notes`, {
        text: "SECRET-NOTE: VIP customer",
        mentions: [b.id],
      });
      expect(note.status).toBe(201);
      const heard = await heardNote;
      expect(heard.note).toEqual(note.body);
      expect(heard.conversation.id).toBe(conversationId);

      // An agent message after the note: when the visitor hears it, anything told before it was heard too.
      await owner("POST", `/v1/conversations/${conversationId}/messages`, { text: "Hello from the team" });
      const reply = await visitor.next("message", (e: any) => e.message.content.text === "Hello from the team");
      expect(reply.message.seq).toBe(2);
      const resync = await visitor.call("resync", { conversationId, afterSeq: 0 });
      expect(resync.ok).toBe(true);
      expect(resync.messages.map((m: any) => m.seq)).toEqual([1, 2]);
      expect(JSON.stringify(visitor.heard)).not.toContain("SECRET-NOTE");
      expect(JSON.stringify(resync)).not.toContain("SECRET-NOTE");
      expect(visitor.heard.map((h) => h.event)).not.toContain("note.created");

      await receiver.waitFor((got) => got.some((r) => r.body.data?.note?.id === note.body.id), "note.created");
      const delivery = receiver.received.find((r) => r.body.data?.note?.id === note.body.id)!;
      expect(delivery.body.type).toBe("note.created");
      expect(delivery.body.data).toEqual({
        note: note.body,
        conversation: expect.objectContaining({ id: conversationId }),
      });
    });

    it("erasing the contact erases the notes on its conversations", async () => {
      const c = (await s.api("POST", "/v1/conversations", { contact: { name: "Forget me" } })).body;
      await s.api("POST", `/v1/conversations/${c.id}/notes`, { text: "about Forget me" });
      expect((await s.api("DELETE", `/v1/contacts/${c.contact.id}`)).status).toBe(204);
      const left = await s.parley.ctx.db.selectFrom("notes").select("id").where("conversation_id", "=", c.id).execute();
      expect(left).toEqual([]);
      expect((await s.api("GET", `/v1/conversations/${c.id}/notes`)).status).toBe(404);
    });
  });
});
