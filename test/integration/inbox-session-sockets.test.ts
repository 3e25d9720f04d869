import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { io, type Socket } from "socket.io-client";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { nodesAvailable, startNodes, type Nodes, type ParleyNode } from "../helpers/nodes.ts";

/**
 * An agent's live sockets end with its inbox session: signing out disconnects every socket of
 * that session (on every node of a Redis-joined deployment), an expired session's sockets are
 * cut when it expires, and other sessions keep theirs. API tokens open no socket, and a revoked
 * one stops at once on every node (deactivating an agent: agents-roles and agent-site-rooms).
 */
async function signIn(server: ParleyNode): Promise<string> {
  const res = await fetch(`${server.url}/v1/inbox/session`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-parley-csrf": "1" },
    body: JSON.stringify({ email: "admin@localhost", password: server.adminPassword }),
  });
  expect(res.status).toBe(200);
  return res.headers.get("set-cookie")!.split(";")[0]!;
}

async function signOut(server: ParleyNode, cookie: string): Promise<void> {
  const res = await fetch(`${server.url}/v1/inbox/session`, {
    method: "DELETE",
    headers: { cookie, "x-parley-csrf": "1" },
  });
  expect(res.status).toBe(204);
}

const sockets: Socket[] = [];

/** A connected /agent socket with the session cookie. */
async function connectAgent(server: ParleyNode, cookie: string): Promise<Socket> {
  const socket = io(`${server.url}/agent`, {
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
    extraHeaders: { cookie },
  });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return socket;
}

const disconnected = (socket: Socket) =>
  new Promise<string>((resolve) => socket.once("disconnect", (reason) => resolve(reason)));

afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});

describe("agent sockets end with their session (one node)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  it("signing out disconnects every socket of that session and no other; the cookie then opens none", async () => {
    const signedOut = await signIn(server);
    const other = await signIn(server);
    const tabs = [await connectAgent(server, signedOut), await connectAgent(server, signedOut)];
    const stays = await connectAgent(server, other);
    const cut = tabs.map(disconnected);

    await signOut(server, signedOut);
    expect(await Promise.all(cut)).toEqual(["io server disconnect", "io server disconnect"]);

    // The other session still hears what happens.
    const heard = new Promise<{ conversation: { id: string } }>((resolve) =>
      stays.once("conversation.created", resolve),
    );
    const created = await server.api("POST", "/v1/conversations", {
      contact: { name: "Still live" },
      sender: { type: "contact" },
      message: { text: "hello" },
    });
    expect((await heard).conversation.id).toBe(created.body.id);
    expect(stays.connected).toBe(true);

    await expect(connectAgent(server, signedOut)).rejects.toThrow(/unauthorized/);
  });

  it("cuts a socket when its session expires", async () => {
    const cookie = await signIn(server);
    // The session runs out in a moment (signed in two weeks ago, unused since); an open socket does not extend it.
    const expiresAt = new Date(Date.now() + 400).toISOString();
    await server.parley.ctx.db
      .updateTable("agent_sessions")
      .set({ expires_at: expiresAt })
      .where("expires_at", ">", expiresAt)
      .execute();
    const socket = await connectAgent(server, cookie);
    expect(await disconnected(socket)).toBe("io server disconnect");
    await expect(connectAgent(server, cookie)).rejects.toThrow(/unauthorized/);
  });

  it("an API token opens no socket: sockets need a session, which revoking and deactivating end", async () => {
    const socket = io(`${server.url}/agent`, {
      transports: ["websocket"],
      forceNew: true,
      reconnection: false,
      extraHeaders: { authorization: `Bearer ${server.token}` },
      auth: { token: server.token },
    });
    sockets.push(socket);
    const refused = await new Promise<Error>((resolve) => socket.once("connect_error", resolve));
    expect(refused.message).toBe("unauthorized");
  });
});

describe.skipIf(!nodesAvailable)("agent sockets end with their session (two node processes joined by Redis)", () => {
  let deployment: Nodes;
  let first: ParleyNode;
  let second: ParleyNode;
  beforeAll(async () => {
    deployment = await startNodes(2);
    [first, second] = [deployment.nodes[0]!, deployment.nodes[1]!];
  });
  afterAll(async () => {
    await deployment?.close();
  });

  it("signing out through one node disconnects the session's socket on the other", async () => {
    const cookie = await signIn(second);
    const other = await signIn(second);
    const onFirst = await connectAgent(first, cookie);
    const onSecond = await connectAgent(second, cookie);
    const stays = await connectAgent(first, other);
    const cut = [disconnected(onFirst), disconnected(onSecond)];
    await signOut(second, cookie);
    expect(await Promise.all(cut)).toEqual(["io server disconnect", "io server disconnect"]);
    expect(stays.connected).toBe(true);
  });

  it("an API token revoked through one node is refused by the other at once", async () => {
    const created = await first.api("POST", "/v1/tokens", { name: "revoked on the first node" });
    const asToken = (node: ParleyNode) =>
      fetch(`${node.url}/v1/conversations`, { headers: { authorization: `Bearer ${created.body.secret}` } });
    expect((await asToken(second)).status).toBe(200);
    expect((await first.api("DELETE", `/v1/tokens/${created.body.id}`)).status).toBe(204);
    const refused = await asToken(second);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("unauthorized");
  });
});
