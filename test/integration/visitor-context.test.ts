import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io, type Socket } from "socket.io-client";
import type { Welcome } from "../../shared/protocol.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { databases } from "../helpers/services.ts";
import { signedIn } from "../helpers/agents.ts";
import { clientId, text, Visitor, type VisitorSocket } from "./realtime-helpers.ts";

/** CONTRACT §8 "The visitor's context": page views over the visitor socket reach the conversation and the inbox live. */
const FIREFOX_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:140.0) Gecko/20100101 Firefox/140.0";

async function visitorWithAgent(url: string, siteKey: string, userAgent = FIREFOX_MAC): Promise<Visitor> {
  const socket = io(`${url}/visitor`, {
    path: "/socket.io",
    auth: { siteKey },
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    extraHeaders: { "User-Agent": userAgent },
  }) as VisitorSocket;
  const v = new Visitor(socket);
  v.welcome = await v.next<Welcome>("welcome");
  return v;
}

function next<T>(socket: Socket, event: string, where: (payload: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const handler = (payload: T) => {
      if (!where(payload)) return;
      socket.off(event, handler);
      resolve(payload);
    };
    socket.on(event, handler);
  });
}

const page = (url: string, title = "", extra: Record<string, string> = {}) => ({ url, title, ...extra });

describe.each(databases())("the visitor's context on $name", ({ name, available }) => {
  describe.skipIf(!available)("", () => {
    let s: TestServer;
    let inbox: Socket;
    let siteId: string;
    const visitors: Visitor[] = [];
    beforeAll(async () => {
      s = await startTestServer({ db: name });
      siteId = s.parley.boot.siteId;
      const owner = await signedIn(s, "admin@localhost", s.adminPassword);
      inbox = io(`${s.url}/agent`, {
        transports: ["websocket"],
        forceNew: true,
        reconnection: false,
        extraHeaders: { cookie: owner.headers.cookie! },
      });
      await new Promise<void>((resolve, reject) => {
        inbox.once("connect", () => resolve());
        inbox.once("connect_error", reject);
      });
    });
    afterAll(async () => {
      inbox?.disconnect();
      for (const v of visitors) v.close();
      await s?.close();
    });

    it("a page reported before the first message is on the conversation it starts, query strings stripped", async () => {
      const v = await visitorWithAgent(s.url, s.siteKey);
      visitors.push(v);
      const ack = await v.call(
        "page",
        page("https://shop.example/pricing?token=secret#plans", "Pricing", {
          referrer: "https://search.example/?q=chat",
          locale: "sv-SE",
          timezone: "Europe/Stockholm",
        }),
      );
      expect(ack).toEqual({ ok: true });
      const sent = await v.call("send", { clientId: clientId(), message: text("Hello") });
      expect(sent.ok).toBe(true);
      const conv = (await s.api("GET", `/v1/conversations/${sent.conversation.id}`)).body;
      expect(conv.visitor).toMatchObject({
        currentUrl: "https://shop.example/pricing",
        pageTitle: "Pricing",
        referrer: "https://search.example/",
        locale: "sv-SE",
        timezone: "Europe/Stockholm",
        browser: "Firefox 140",
        os: expect.stringMatching(/^macOS/),
        device: "desktop",
      });
      expect(conv.visitor.pages.map((p: { url: string }) => p.url)).toEqual(["https://shop.example/pricing"]);
      expect(JSON.stringify(conv)).not.toContain("secret");
    });

    it("navigation updates the conversation live for agents (changed: visitor); a reload changes nothing", async () => {
      const v = await visitorWithAgent(s.url, s.siteKey);
      visitors.push(v);
      await v.call("page", page("https://shop.example/", "Home"));
      const sent = await v.call("send", { clientId: clientId(), message: text("Hi") });
      const id = sent.conversation.id as string;
      const updated = next<{ conversation: { id: string; visitor: any }; changed: string[] }>(
        inbox,
        "conversation.updated",
        (p) => p.conversation.id === id && p.changed.includes("visitor"),
      );
      expect(await v.call("page", page("https://shop.example/cart", "Cart"))).toEqual({ ok: true });
      const event = await updated;
      expect(event.changed).toEqual(["visitor"]);
      expect(event.conversation.visitor.currentUrl).toBe("https://shop.example/cart");
      expect(event.conversation.visitor.pages.map((p: { title: string }) => p.title)).toEqual(["Home", "Cart"]);

      // The same page again: no update is announced (the next one heard is for the next navigation).
      const heard: string[] = [];
      const onUpdate = (p: { conversation: { id: string; visitor: any }; changed: string[] }) => {
        if (p.conversation.id === id && p.changed.includes("visitor")) heard.push(p.conversation.visitor.currentUrl);
      };
      inbox.on("conversation.updated", onUpdate);
      await v.call("page", page("https://shop.example/cart", "Cart"));
      const third = next<{ conversation: { visitor: any } }>(
        inbox,
        "conversation.updated",
        (p) => (p as any).conversation.id === id,
      );
      await v.call("page", page("https://shop.example/checkout", "Checkout"));
      await third;
      inbox.off("conversation.updated", onUpdate);
      expect(heard).toEqual(["https://shop.example/checkout"]);
    });

    it("keeps query strings only when the site allows them", async () => {
      const allowed = await s.api("PATCH", `/v1/sites/${siteId}`, { visitorContext: { queryStrings: true } });
      expect(allowed.status).toBe(200);
      expect(allowed.body.visitorContext).toEqual({ queryStrings: true });
      try {
        const v = await visitorWithAgent(s.url, s.siteKey);
        visitors.push(v);
        await v.call("page", page("https://shop.example/search?q=shoes#top", "Search"));
        const sent = await v.call("send", { clientId: clientId(), message: text("Query?") });
        const conv = (await s.api("GET", `/v1/conversations/${sent.conversation.id}`)).body;
        expect(conv.visitor.currentUrl).toBe("https://shop.example/search?q=shoes#top");
      } finally {
        await s.api("PATCH", `/v1/sites/${siteId}`, { visitorContext: { queryStrings: false } });
      }
      expect((await s.api("GET", `/v1/sites/${siteId}`)).body.visitorContext).toEqual({ queryStrings: false });
      const bad = await s.api("PATCH", `/v1/sites/${siteId}`, { visitorContext: { queryStrings: "yes" } });
      expect(bad.status).toBe(422);
    });

    it("API conversations have visitor null", async () => {
      const res = await s.api("POST", "/v1/conversations", { contact: { name: "Api" }, message: { text: "x" } });
      expect(res.status).toBe(201);
      expect(res.body.visitor).toBeNull();
      expect((await s.api("GET", `/v1/conversations/${res.body.id}`)).body.visitor).toBeNull();
    });

    it("a bad payload is refused in the acknowledgement and changes nothing", async () => {
      const v = await visitorWithAgent(s.url, s.siteKey);
      visitors.push(v);
      await v.call("page", page("https://shop.example/a", "A"));
      const sent = await v.call("send", { clientId: clientId(), message: text("Bad pages") });
      for (const bad of [
        { url: "not a url" },
        { url: "https://x.example/", extra: 1 },
        null,
        { url: "x".repeat(3000) },
      ]) {
        const ack = await v.call("page", bad as never);
        expect(ack.ok).toBe(false);
        expect(ack.error.code).toMatch(/validation_failed|bad_request/);
      }
      // A URL that is not http(s) is never shown.
      await v.call("page", page("javascript:alert(1)", "Evil"));
      const conv = (await s.api("GET", `/v1/conversations/${sent.conversation.id}`)).body;
      expect(conv.visitor.currentUrl).toBe("https://shop.example/a");
      expect(conv.visitor.pages).toHaveLength(1);
    });

    it("a visitor's page views reach only their own conversations", async () => {
      const a = await visitorWithAgent(s.url, s.siteKey);
      const b = await visitorWithAgent(s.url, s.siteKey);
      visitors.push(a, b);
      await a.call("page", page("https://shop.example/a-only", "A"));
      const sentA = await a.call("send", { clientId: clientId(), message: text("I am A") });
      await b.call("page", page("https://shop.example/b-only", "B"));
      await b.call("send", { clientId: clientId(), message: text("I am B") });
      await b.call("page", page("https://shop.example/b-elsewhere", "B2"));
      const convA = (await s.api("GET", `/v1/conversations/${sentA.conversation.id}`)).body;
      expect(convA.visitor.pages.map((p: { url: string }) => p.url)).toEqual(["https://shop.example/a-only"]);
      // A visitor cannot resync (read) another visitor's conversation, context included.
      const peek = await b.call("resync", { conversationId: sentA.conversation.id, afterSeq: 0 });
      expect(peek.ok).toBe(false);
      expect(peek.error.code).toBe("not_found");
      expect(JSON.stringify(b.heard)).not.toContain("a-only");
    });
  });
});
