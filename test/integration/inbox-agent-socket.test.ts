import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io, type Socket } from "socket.io-client";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import type { ParleyNode } from "../helpers/nodes.ts";
import { topologies, type Deployment } from "./realtime-helpers.ts";

async function signInCookie(server: ParleyNode): Promise<string> {
  const res = await fetch(`${server.url}/v1/inbox/session`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-parley-csrf": "1" },
    body: JSON.stringify({ email: "admin@localhost", password: server.adminPassword }),
  });
  expect(res.status).toBe(200);
  return res.headers.get("set-cookie")!.split(";")[0]!;
}

function connect(server: ParleyNode, cookie?: string): Socket {
  return io(`${server.url}/agent`, {
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
    extraHeaders: cookie ? { cookie } : {},
  });
}

function connected(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
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

describe("agent socket", () => {
  let server: TestServer;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await server?.close();
  });

  it("refuses a socket without a session cookie, or with a forged one", async () => {
    const bare = connect(server);
    sockets.push(bare);
    await expect(connected(bare)).rejects.toThrow(/unauthorized/);
    const forged = connect(server, "parley_session=not-a-session");
    sockets.push(forged);
    await expect(connected(forged)).rejects.toThrow(/unauthorized/);
  });

  it("tells a signed-in agent live about conversations, messages, updates and typing made over REST", async () => {
    const socket = connect(server, await signInCookie(server));
    sockets.push(socket);
    await connected(socket);

    const created = next<{ conversation: { id: string; contact: { name: string } } }>(socket, "conversation.created");
    const start = await server.api("POST", "/v1/conversations", {
      contact: { name: "Ann" },
      sender: { type: "contact" },
      message: { text: "Help please" },
    });
    expect(start.status).toBe(201);
    const id = start.body.id as string;
    expect((await created).conversation).toMatchObject({ id, contact: { name: "Ann" } });

    const message = next<{ message: { conversationId: string; content: { text: string }; seq: number } }>(
      socket,
      "message.created",
      (p) => p.message.conversationId === id && p.message.seq === 2,
    );
    await server.api("POST", `/v1/conversations/${id}/messages`, { text: "On it" });
    expect((await message).message.content.text).toBe("On it");

    const tagged = next<{ conversation: { tags: string[] }; changed: string[] }>(socket, "conversation.updated", (p) =>
      p.changed.includes("tags"),
    );
    await server.api("PUT", `/v1/conversations/${id}/tags/billing`);
    expect((await tagged).conversation.tags).toEqual(["billing"]);

    const typing = next<{ conversationId: string; typing: boolean; side: string }>(socket, "typing");
    expect((await server.api("POST", `/v1/conversations/${id}/typing`, { typing: true })).status).toBe(204);
    expect(await typing).toMatchObject({ conversationId: id, typing: true, side: "agent" });
  });
});

for (const topology of topologies) {
  describe.skipIf(!topology.available)(`agent socket across a deployment (${topology.name})`, () => {
    let deployment: Deployment;
    let socket: Socket | undefined;
    beforeAll(async () => {
      deployment = await topology.start();
    });
    afterAll(async () => {
      socket?.disconnect();
      await deployment?.close();
    });

    it("hears a message posted through another node", async () => {
      // The session was made on one node; the socket connects to another: sessions live in the shared database.
      const cookie = await signInCookie(deployment.restNode);
      socket = connect(deployment.visitorNode, cookie);
      await connected(socket);
      const start = await deployment.restNode.api("POST", "/v1/conversations", {
        contact: { name: "Cross" },
        message: { text: "first" },
      });
      const heard = next<{ message: { content: { text: string } } }>(
        socket,
        "message.created",
        (p) => (p.message.content as { text: string }).text === "from the other node",
      );
      await deployment.restNode.api("POST", `/v1/conversations/${start.body.id}/messages`, {
        text: "from the other node",
      });
      expect((await heard).message.content.text).toBe("from the other node");
    });
  });
}
