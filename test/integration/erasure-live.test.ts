import { io, Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession } from "../../widget/session/index.ts";
import type { ParleyNode } from "../helpers/nodes.ts";
import { memoryStorage } from "../helpers/memory-storage.ts";
import { NodeWebSocket } from "../helpers/node-websocket.ts";
import {
  clientId,
  connectVisitor,
  text,
  topologies,
  until,
  type Deployment,
  type Visitor,
} from "./realtime-helpers.ts";

async function inboxSocket(node: ParleyNode): Promise<Socket> {
  const res = await fetch(`${node.url}/v1/inbox/session`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-parley-csrf": "1" },
    body: JSON.stringify({ email: "admin@localhost", password: node.adminPassword }),
  });
  expect(res.status).toBe(200);
  const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
  const socket = io(`${node.url}/agent`, {
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
    extraHeaders: { cookie },
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return socket;
}

const heard = <T>(socket: Socket, event: string) => new Promise<T>((resolve) => socket.once(event, resolve));

/**
 * Erasing a contact (`DELETE /v1/contacts/{id}`) reaches the live sockets at once, on every
 * node: the visitor's open widgets are told and disconnected, and start again as a new visitor;
 * every open inbox drops the erased conversations. With two nodes the visitor and the inbox are
 * on one node process and the erasure is asked of the other (PostgreSQL + Redis).
 */
for (const topology of topologies) {
  describe.skipIf(!topology.available)(`erasure reaches live sockets, ${topology.name}`, () => {
    let d: Deployment;
    const open: (Visitor | Socket)[] = [];
    beforeAll(async () => {
      d = await topology.start();
    });
    afterAll(async () => {
      for (const s of open) {
        if (s instanceof Socket) s.disconnect();
        else s.close();
      }
      await d?.close();
    });

    it("disconnects the erased visitor's sockets, whose token then starts a new visitor, and drops its conversation from inboxes", async () => {
      const node = d.visitorNode;
      const inbox = await inboxSocket(node);
      open.push(inbox);
      const tab1 = await connectVisitor(node.url, { siteKey: node.siteKey });
      const sent = await tab1.call("send", { clientId: clientId(), message: text("please forget me") });
      expect(sent.ok).toBe(true);
      const conversationId = sent.conversation.id;
      const tab2 = await connectVisitor(node.url, { siteKey: node.siteKey, visitorToken: tab1.welcome.visitorToken });
      const bystander = await connectVisitor(node.url, { siteKey: node.siteKey });
      open.push(tab1, tab2, bystander);
      const contactId = (await d.restNode.api("GET", `/v1/conversations/${conversationId}`)).body.contact.id;

      const cut = [tab1, tab2].map(
        (v) => new Promise<string>((resolve) => v.socket.once("disconnect", (reason) => resolve(reason))),
      );
      const dropped = heard<{ contactId: string; conversationIds: string[] }>(inbox, "contact.deleted");
      expect((await d.restNode.api("DELETE", `/v1/contacts/${contactId}`)).status).toBe(204);

      expect(await Promise.all(cut)).toEqual(["io server disconnect", "io server disconnect"]);
      for (const v of [tab1, tab2]) expect(v.events("erased")).toHaveLength(1);
      expect(await dropped).toEqual({ contactId, conversationIds: [conversationId] });
      // Nobody else was told or cut.
      expect(bystander.socket.connected).toBe(true);
      expect(bystander.events("erased")).toEqual([]);

      // The old token resolves to nobody: a new visitor, with nothing of the old one.
      const again = await connectVisitor(node.url, { siteKey: node.siteKey, visitorToken: tab1.welcome.visitorToken });
      open.push(again);
      expect(again.welcome.visitorId).not.toBe(tab1.welcome.visitorId);
      expect(again.welcome.visitorToken).not.toBe(tab1.welcome.visitorToken);
      expect(again.welcome.conversationId).toBeNull();
      const resync = await again.call("resync", { conversationId, afterSeq: 0 });
      expect(resync.error.code).toBe("not_found");
    });

    it("makes the widget forget its token, conversation and messages and start fresh, online", async () => {
      const storage = memoryStorage();
      const s = createSession({
        baseUrl: d.visitorNode.url,
        siteKey: d.visitorNode.siteKey,
        storage,
        WebSocket: NodeWebSocket,
      });
      try {
        s.connect();
        s.send({ type: "text", content: { text: "my secret" } });
        await until(() => s.messages.value[0]?.delivery === "sent");
        const conversationId = s.conversationId.value!;
        const tokenKey = `parley:${d.visitorNode.siteKey}:visitor`;
        const oldToken = storage.getItem(tokenKey);
        const contactId = (await d.restNode.api("GET", `/v1/conversations/${conversationId}`)).body.contact.id;
        expect((await d.restNode.api("DELETE", `/v1/contacts/${contactId}`)).status).toBe(204);
        await until(() => s.conversationId.value === null && s.messages.value.length === 0);
        await until(() => s.connection.value === "online");
        const newToken = storage.getItem(tokenKey);
        expect(newToken).toBeTruthy();
        expect(newToken).not.toBe(oldToken);
        // What the visitor writes now starts a new conversation of a new visitor.
        s.send({ type: "text", content: { text: "hello again" } });
        await until(() => s.messages.value[0]?.delivery === "sent");
        expect(s.conversationId.value).not.toBe(conversationId);
        expect(s.messages.value.map((m) => m.message.content.text)).toEqual(["hello again"]);
      } finally {
        s.shutdown();
      }
    });
  });
}
