import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io, type Socket } from "socket.io-client";
import { databases } from "../helpers/services.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { clientId, connectVisitor, text, type Visitor } from "./realtime-helpers.ts";
import { startReceiver, type Receiver } from "./webhooks-receiver.ts";

/**
 * Satisfaction (CONTRACT §10) over a real visitor socket: a visitor rates its own solved or closed
 * conversation once per closing; agents hear it live, webhooks through the event log.
 */
for (const db of databases()) {
  describe.skipIf(!db.available)(`ratings on ${db.name}`, () => {
    let server: TestServer;
    let receiver: Receiver;
    let agent: Socket;
    const open: Visitor[] = [];

    const visitor = async () => {
      const v = await connectVisitor(server.url, { siteKey: server.siteKey });
      open.push(v);
      return v;
    };
    const withConversation = async () => {
      const v = await visitor();
      const ack = await v.call("send", { clientId: clientId(), message: text("Hello") });
      expect(ack.ok).toBe(true);
      return { v, id: ack.conversation.id as string };
    };
    const setStatus = async (id: string, status: string) =>
      expect((await server.api("PATCH", `/v1/conversations/${id}`, { status })).status).toBe(200);
    const agentHears = (id: string) =>
      new Promise<{ conversation: any; changed: string[] }>((resolve) => {
        const handler = (e: { conversation: any; changed: string[] }) => {
          if (e.conversation.id !== id || !e.changed.includes("rating") || !e.conversation.rating) return;
          agent.off("conversation.updated", handler);
          resolve(e);
        };
        agent.on("conversation.updated", handler);
      });

    beforeAll(async () => {
      server = await startTestServer({
        db: db.name,
        env: { PARLEY_WEBHOOK_ALLOW_PRIVATE: "1", PARLEY_WEBHOOK_BACKOFF_MS: "40" },
      });
      receiver = await startReceiver();
      const hook = await server.api("POST", "/v1/webhooks", { url: receiver.url, events: ["conversation.updated"] });
      expect(hook.status).toBe(201);
      const signIn = await fetch(`${server.url}/v1/inbox/session`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-parley-csrf": "1" },
        body: JSON.stringify({ email: "admin@localhost", password: server.adminPassword }),
      });
      const cookie = signIn.headers.get("set-cookie")!.split(";")[0]!;
      agent = io(`${server.url}/agent`, {
        transports: ["websocket"],
        forceNew: true,
        reconnection: false,
        extraHeaders: { cookie },
      });
      await new Promise<void>((resolve, reject) => {
        agent.once("connect", () => resolve());
        agent.once("connect_error", reject);
      });
    });
    afterAll(async () => {
      for (const v of open) v.close();
      agent?.disconnect();
      await receiver?.close();
      await server?.close();
    });

    it("takes a rating of a closed conversation: stored, shown by the API, heard by agents and webhooks", async () => {
      const { v, id } = await withConversation();
      expect((await server.api("GET", `/v1/conversations/${id}`)).body.rating).toBeNull();
      await setStatus(id, "closed");
      const heard = agentHears(id);
      const ack = await v.call("rate", { conversationId: id, score: 4, comment: "  Quick and kind  " });
      expect(ack).toMatchObject({ ok: true, conversation: { id, status: "closed", rating: { score: 4 } } });
      expect(ack.conversation.rating.comment).toBe("Quick and kind");

      const rating = (await server.api("GET", `/v1/conversations/${id}`)).body.rating;
      expect(rating).toEqual({ score: 4, comment: "Quick and kind", createdAt: expect.any(String) });
      const live = await heard;
      expect(live.changed).toEqual(["rating"]);
      expect(live.conversation.rating).toEqual(rating);
      await receiver.waitFor(
        (r) => r.some((x) => x.body.data.conversation.id === id && x.body.data.changed.includes("rating")),
        "conversation.updated with rating",
      );
      const hook = receiver.received.find(
        (x) => x.body.data.conversation.id === id && x.body.data.changed[0] === "rating",
      );
      expect(hook!.body.data.conversation.rating).toEqual(rating);

      // A widget that comes back later learns that it was rated.
      const again = await v.call("resync", { conversationId: id, afterSeq: 0 });
      expect(again.conversation.rating).toEqual(rating);
    });

    it("refuses a bad score or comment with a validation error, and changes nothing", async () => {
      const { v, id } = await withConversation();
      await setStatus(id, "solved");
      for (const bad of [
        { score: 0 },
        { score: 6 },
        { score: 3.5 },
        { score: "4" },
        { score: 4, comment: "x".repeat(1001) },
      ]) {
        const ack = await v.call("rate", { conversationId: id, ...bad } as never);
        expect(ack.ok).toBe(false);
        expect(ack.error.code).toBe("validation_failed");
      }
      expect((await server.api("GET", `/v1/conversations/${id}`)).body.rating).toBeNull();
    });

    it("refuses a conversation that is not solved or closed (conflict) and another visitor's (not found)", async () => {
      const { v, id } = await withConversation();
      const notYet = await v.call("rate", { conversationId: id, score: 5 });
      expect(notYet).toMatchObject({ ok: false, error: { code: "conflict" } });

      await setStatus(id, "solved");
      const stranger = await visitor();
      const theirs = await stranger.call("rate", { conversationId: id, score: 1 });
      expect(theirs).toMatchObject({ ok: false, error: { code: "not_found" } });
      const unknown = await v.call("rate", { conversationId: "conv_doesnotexist", score: 1 });
      expect(unknown).toMatchObject({ ok: false, error: { code: "not_found" } });
      expect((await server.api("GET", `/v1/conversations/${id}`)).body.rating).toBeNull();
    });

    it("takes one rating per solve: a second is a conflict; reopened by the visitor and solved again, it can be rated again", async () => {
      const { v, id } = await withConversation();
      await setStatus(id, "solved");
      expect((await v.call("rate", { conversationId: id, score: 2 })).ok).toBe(true);
      const twice = await v.call("rate", { conversationId: id, score: 5 });
      expect(twice).toMatchObject({ ok: false, error: { code: "conflict" } });

      // Closing a solved conversation is the same closing: still rated.
      await setStatus(id, "closed");
      expect((await server.api("GET", `/v1/conversations/${id}`)).body.rating.score).toBe(2);
      expect((await v.call("rate", { conversationId: id, score: 5 })).ok).toBe(false);

      const { v: v2, id: id2 } = await withConversation();
      await setStatus(id2, "solved");
      expect((await v2.call("rate", { conversationId: id2, score: 2, comment: "slow" })).ok).toBe(true);
      const reopened = await v2.call("send", { conversationId: id2, clientId: clientId(), message: text("Again") });
      expect(reopened.conversation).toMatchObject({ status: "open", rating: { score: 2 } });
      await setStatus(id2, "solved");
      const fresh = (await server.api("GET", `/v1/conversations/${id2}`)).body;
      expect(fresh.rating).toBeNull();
      const second = await v2.call("rate", { conversationId: id2, score: 5 });
      expect(second).toMatchObject({ ok: true, conversation: { rating: { score: 5, comment: null } } });
      expect((await server.api("GET", `/v1/conversations/${id2}`)).body.rating.score).toBe(5);
    });

    it("goes with the contact when the contact is erased", async () => {
      const { v, id } = await withConversation();
      await setStatus(id, "closed");
      expect((await v.call("rate", { conversationId: id, score: 1, comment: "My name is Ada" })).ok).toBe(true);
      const stored = () =>
        server.parley.store.db.selectFrom("ratings").select("comment").where("conversation_id", "=", id).execute();
      expect(await stored()).toEqual([{ comment: "My name is Ada" }]);
      const contactId = (await server.api("GET", `/v1/conversations/${id}`)).body.contact.id;
      expect((await server.api("DELETE", `/v1/contacts/${contactId}`)).status).toBe(204);
      expect(await stored()).toEqual([]);
    });
  });
}
