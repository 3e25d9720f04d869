import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "../../widget/session/index.ts";
import type { Session } from "../../widget/session/types.ts";
import type { Message } from "../../shared/schemas/message.ts";
import { NodeWebSocket } from "../helpers/node-websocket.ts";
import { memoryStorage } from "../helpers/memory-storage.ts";
import { FlakyLink, topologies, until, type Deployment } from "./realtime-helpers.ts";

const texts = (s: Session) => s.messages.value.map((m) => m.message.content.text);
const text = (t: string) => ({ type: "text" as const, content: { text: t } });

/**
 * The widget's session layer (widget/session) in Node against a real relay: what the visitor
 * sees through its signals while the network drops, pages reload and tabs share a conversation.
 */
for (const topology of topologies) {
  describe.skipIf(!topology.available)(`widget session, ${topology.name}`, () => {
    let d: Deployment;
    let link: FlakyLink;
    let linkUrl: string;
    const sessions: Session[] = [];
    const session = (storage: Storage, baseUrl = linkUrl) => {
      const s = createSession({ baseUrl, siteKey: d.visitorNode.siteKey, storage, WebSocket: NodeWebSocket });
      sessions.push(s);
      return s;
    };
    const rest = (method: string, path: string, body?: unknown) => d.restNode.api(method, path, body);

    beforeAll(async () => {
      d = await topology.start();
      link = new FlakyLink(d.visitorNode.port);
      linkUrl = await link.start();
    });
    afterEach(() => {
      link.restore();
      for (const s of sessions.splice(0)) s.shutdown();
    });
    afterAll(async () => {
      await link?.close();
      await d?.close();
    });

    it("shows a sent message as sending, then sent, in a widget conversation", async () => {
      const s = session(memoryStorage());
      s.connect();
      s.send(text("Hello there"));
      expect(s.messages.value.map((m) => m.delivery)).toEqual(["sending"]);
      await until(() => s.messages.value[0]?.delivery === "sent");
      const [shown] = s.messages.value;
      expect(shown).toMatchObject({ message: { seq: 1, sender: { type: "contact" } }, clientId: expect.any(String) });
      const conversation = await rest("GET", `/v1/conversations/${s.conversationId.value}`);
      expect(conversation.body).toMatchObject({ channel: "widget", lastMessage: { id: shown!.message.id } });
      expect(s.connection.value).toBe("online");
      expect(s.site.value?.name).toBe("Default site");
    });

    it("shows agent replies, streamed text, typing, unread and seen as they happen", async () => {
      const storage = memoryStorage();
      const s = session(storage);
      const told: Message[] = [];
      s.onMessage((m) => told.push(m));
      s.connect();
      s.send(text("Help?"));
      await until(() => s.messages.value[0]?.delivery === "sent");
      const id = s.conversationId.value!;
      expect(s.messages.value[0]!.seen).toBe(false);
      await rest("POST", `/v1/conversations/${id}/read`, { seq: 1 });
      await until(() => s.messages.value[0]!.seen);
      await rest("POST", `/v1/conversations/${id}/typing`, { typing: true });
      await until(() => s.agentTyping.value !== null);
      await rest("POST", `/v1/conversations/${id}/messages`, { text: "Sure!", sender: { type: "agent", name: "Ada" } });
      await until(() => texts(s).includes("Sure!"));
      expect(s.agentTyping.value).toBeNull();
      expect(s.unread.value).toBe(1);
      const bot = await rest("POST", `/v1/conversations/${id}/messages`, {
        text: "",
        streaming: true,
        sender: { type: "bot" },
      });
      await rest("POST", `/v1/messages/${bot.body.id}/append`, { text: "Thinking" });
      await until(() => texts(s).includes("Thinking"));
      await rest("POST", `/v1/messages/${bot.body.id}/append`, { text: " hard" });
      await rest("POST", `/v1/messages/${bot.body.id}/complete`, {});
      await until(() => s.messages.value.at(-1)?.message.state === "complete" && texts(s).includes("Thinking hard"));
      expect(told.map((m) => m.content.text)).toEqual(["Sure!", "Thinking hard"]);
      // Another tab of this visitor: reading in one clears the unread count in both.
      const tab = session(storage, d.visitorNode.url);
      tab.connect();
      await until(() => tab.unread.value === 2);
      s.markAllRead();
      expect(s.unread.value).toBe(0);
      await until(() => tab.unread.value === 0);
      expect((await rest("GET", `/v1/conversations/${id}`)).body.readUpTo.contact).toBe(3);
    });

    it("delivers what was typed offline exactly once and fetches what it missed when the network returns", async () => {
      const s = session(memoryStorage());
      s.connect();
      s.send(text("before the drop"));
      await until(() => s.messages.value[0]?.delivery === "sent");
      const id = s.conversationId.value!;
      link.cut();
      await until(() => s.connection.value === "offline");
      s.send(text("typed offline 1"));
      s.send(text("typed offline 2"));
      await rest("POST", `/v1/conversations/${id}/messages`, { text: "agent while you were away" });
      await rest("POST", `/v1/conversations/${id}/messages`, { text: "agent again" });
      expect(s.messages.value.map((m) => m.delivery)).toEqual(["sent", "sending", "sending"]);
      link.restore();
      await until(() => s.messages.value.length === 5 && s.messages.value.every((m) => m.delivery === "sent"));
      expect(s.messages.value.map((m) => m.message.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(texts(s)).toEqual([
        "before the drop",
        "agent while you were away",
        "agent again",
        "typed offline 1",
        "typed offline 2",
      ]);
      const history = await rest("GET", `/v1/conversations/${id}/messages?limit=100`);
      expect(history.body.total).toBe(5);
    });

    it("keeps the visitor, the conversation and the unsent messages across a reload", async () => {
      const storage = memoryStorage();
      const before = session(storage);
      before.connect();
      before.send(text("first"));
      await until(() => before.messages.value[0]?.delivery === "sent");
      link.cut();
      await until(() => before.connection.value === "offline");
      before.send(text("sent while offline, then the page reloaded"));
      // The reload: a new page with what the old one had stored.
      const after = session(storage.snapshot(), d.visitorNode.url);
      expect(after.conversationId.value).toBe(before.conversationId.value);
      expect(after.messages.value.map((m) => m.delivery)).toEqual(["sending"]);
      after.connect();
      await until(() => after.messages.value.length === 2 && after.messages.value.every((m) => m.delivery === "sent"));
      expect(texts(after)).toEqual(["first", "sent while offline, then the page reloaded"]);
      expect((await rest("GET", `/v1/conversations/${after.conversationId.value}/messages`)).body.total).toBe(2);
      // The old page comes back too: its outbox item is delivered already and is not sent twice.
      link.restore();
      await until(() => before.connection.value === "online" && before.messages.value.length === 2);
      expect((await rest("GET", `/v1/conversations/${after.conversationId.value}/messages`)).body.total).toBe(2);
    });

    it("asks for a rating once a conversation is solved: rated or skipped, it is not asked again after a reload", async () => {
      const storage = memoryStorage();
      const s = session(storage);
      s.connect();
      s.send(text("Help"));
      await until(() => s.messages.value[0]?.delivery === "sent");
      const id = s.conversationId.value!;
      expect(s.rated?.value).toBe(false);
      await rest("PATCH", `/v1/conversations/${id}`, { status: "closed" });
      await until(() => s.conversationStatus.value === "closed");
      expect(s.rated?.value).toBe(false);
      s.rate!(4, "Quick");
      await until(() => s.rated?.value === true);
      expect((await rest("GET", `/v1/conversations/${id}`)).body.rating).toMatchObject({ score: 4, comment: "Quick" });
      // The reload: the relay's resync says it is rated.
      const reloaded = session(storage.snapshot());
      expect(reloaded.rated?.value).toBe(false);
      reloaded.connect();
      await until(() => reloaded.conversationStatus.value === "closed");
      expect(reloaded.rated?.value).toBe(true);

      // Another visitor skips: remembered on this site, the rating stays null.
      const other = memoryStorage();
      const t = session(other);
      t.connect();
      t.send(text("Help again"));
      await until(() => t.messages.value[0]?.delivery === "sent");
      await rest("PATCH", `/v1/conversations/${t.conversationId.value}`, { status: "solved" });
      await until(() => t.conversationStatus.value === "solved");
      t.skipRating!();
      expect(t.rated?.value).toBe(true);
      const back = session(other.snapshot());
      expect(back.rated?.value).toBe(true);
      expect((await rest("GET", `/v1/conversations/${t.conversationId.value}`)).body.rating).toBeNull();

      // Writing again reopens it; solved again, the survey is asked again.
      back.connect();
      await until(() => back.conversationStatus.value === "solved");
      back.send(text("One more thing"));
      await until(() => back.conversationStatus.value === "open");
      await rest("PATCH", `/v1/conversations/${t.conversationId.value}`, { status: "solved" });
      await until(() => back.conversationStatus.value === "solved");
      expect(back.rated?.value).toBe(false);
    });

    it("shows two tabs of one origin the same live conversation", async () => {
      const storage = memoryStorage();
      const one = session(storage);
      one.connect();
      await until(() => one.connection.value === "online");
      const two = session(storage, d.visitorNode.url);
      two.connect();
      await until(() => two.connection.value === "online");
      one.send(text("from tab one"));
      await until(() =>
        two.messages.value.some((m) => m.message.content.text === "from tab one" && m.delivery === "sent"),
      );
      const id = one.conversationId.value!;
      expect(two.conversationId.value).toBe(id);
      two.send(text("from tab two"));
      await rest("POST", `/v1/conversations/${id}/messages`, { text: "agent to both" });
      for (const tab of [one, two])
        await until(
          () =>
            texts(tab).join("|") === "from tab one|from tab two|agent to both" ||
            texts(tab).join("|") === "from tab one|agent to both|from tab two",
        );
      expect(texts(one)).toEqual(texts(two));
      expect((await rest("GET", `/v1/conversations/${id}/messages`)).body.total).toBe(3);
    });

    it("forgets the visitor on shutdown", async () => {
      const storage = memoryStorage();
      const s = session(storage);
      s.connect();
      s.send(text("remember me?"));
      await until(() => s.messages.value[0]?.delivery === "sent");
      const token = storage.getItem(`parley:${d.visitorNode.siteKey}:visitor`);
      expect(token).toMatch(/^vt_/);
      s.shutdown();
      expect(storage.length).toBe(0);
      expect(s.messages.value).toEqual([]);
      expect(s.conversationId.value).toBeNull();
      const next = session(storage);
      next.connect();
      await until(() => next.connection.value === "online");
      expect(storage.getItem(`parley:${d.visitorNode.siteKey}:visitor`)).not.toBe(token);
      expect(next.conversationId.value).toBeNull();
    });
  });
}
