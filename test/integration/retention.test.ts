import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { databases } from "../helpers/services.ts";
import { expireConversations } from "../../server/domain/retention.ts";
import { claimLease } from "../../server/store/leases.ts";

const DAY = 86_400_000;
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

/**
 * Retention (docs/privacy.md): a site's `retentionDays` deletes its conversations closed longer
 * ago than that — messages, files, notes, tags, search entries and events with them — and
 * nothing else: newer or open conversations, other sites' ones. One node at a time (a lease).
 */
for (const db of databases()) {
  describe.skipIf(!db.available)(`retention (${db.name})`, () => {
    let server: TestServer;
    let clock = Date.parse("2026-01-01T10:00:00.000Z");
    const at = (ms: number) => (clock = ms);
    let siteId: string;
    let otherSiteId: string;

    beforeAll(async () => {
      server = await startTestServer({ db: db.name, now: () => new Date(clock).toISOString() });
      siteId = (await server.api("GET", "/v1/sites")).body.items[0].id;
      otherSiteId = (await server.api("POST", "/v1/sites", { name: "Keeps everything" })).body.id;
      // The passes here are run by hand: the node's own timer (its first pass a second after
      // start) would otherwise race them for the lease on a slow machine.
      await server.parley.retention.close();
    });
    afterAll(() => server?.close());

    async function conversation(site: string, words: string, close: boolean): Promise<string> {
      const c = await server.api("POST", "/v1/conversations", {
        siteId: site,
        contact: { name: `Person ${words}`, email: `${words}@example.com` },
        message: { type: "text", content: { text: `about ${words}` } },
      });
      expect(c.status).toBe(201);
      if (close)
        expect((await server.api("PATCH", `/v1/conversations/${c.body.id}`, { status: "closed" })).status).toBe(200);
      return c.body.id;
    }

    /** A signed-in inbox's live socket. */
    async function inbox(): Promise<Socket> {
      const res = await fetch(`${server.url}/v1/inbox/session`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-parley-csrf": "1" },
        body: JSON.stringify({ email: "admin@localhost", password: server.adminPassword }),
      });
      const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
      const socket = io(`${server.url}/agent`, { transports: ["websocket"], forceNew: true, extraHeaders: { cookie } });
      await new Promise((resolve, reject) => socket.once("connect", () => resolve(null)).once("connect_error", reject));
      return socket;
    }

    const found = async (q: string) => (await server.api("GET", `/v1/search?q=${q}`)).body.items.length;
    const events = async (subject: string) =>
      (await server.parley.ctx.db.selectFrom("events").select("id").where("subject", "=", subject).execute()).length;

    it("is a site setting, null by default, set and cleared through the sites API", async () => {
      expect((await server.api("GET", `/v1/sites/${siteId}`)).body.retentionDays).toBeNull();
      for (const bad of [0, -1, 1.5, "30", 40_000])
        expect((await server.api("PATCH", `/v1/sites/${siteId}`, { retentionDays: bad })).status).toBe(422);
      expect((await server.api("PATCH", `/v1/sites/${siteId}`, { retentionDays: 30 })).body.retentionDays).toBe(30);
      expect((await server.api("PATCH", `/v1/sites/${siteId}`, { retentionDays: null })).body.retentionDays).toBeNull();
    });

    it("deletes conversations closed longer ago than the period, with everything of theirs, and nothing else", async () => {
      const start = clock;
      const old = await conversation(siteId, "zanzibar", false);
      // An agent's attachment, a private note and a tag on it, then closed.
      const form = new FormData();
      form.append("file", new Blob([new Uint8Array(PNG)], { type: "image/png" }), "dot.png");
      const file = await fetch(`${server.url}/v1/files`, {
        method: "POST",
        headers: { authorization: `Bearer ${server.token}` },
        body: form,
      }).then((r) => r.json());
      const sent = await server.api("POST", `/v1/conversations/${old}/messages`, {
        type: "image",
        content: { url: file.url },
      });
      expect(sent.status).toBe(201);
      expect((await server.api("POST", `/v1/conversations/${old}/notes`, { text: "zanzibar note" })).status).toBe(201);
      expect((await server.api("PUT", `/v1/conversations/${old}/tags/zanzibar-tag`)).status).toBeLessThan(300);
      expect((await server.api("PATCH", `/v1/conversations/${old}`, { status: "closed" })).status).toBe(200);
      at(start + 20 * DAY);
      const recent = await conversation(siteId, "quokka", true);
      const open = await conversation(siteId, "wombat", false);
      const elsewhere = await conversation(otherSiteId, "narwhal", true);
      expect(await found("zanzibar")).toBe(1);
      expect(await events(old)).toBeGreaterThan(0);
      expect((await fetch(file.url)).status).toBe(200);

      await server.api("PATCH", `/v1/sites/${siteId}`, { retentionDays: 30 });
      at(start + 31 * DAY);
      const live = await inbox();
      const heard = new Promise((resolve) => live.once("conversations.expired", resolve));
      expect(await server.parley.retention.runOnce()).toBe(1);
      // Open inboxes drop it at once.
      expect(await heard).toEqual({ conversationIds: [old] });
      live.disconnect();

      expect((await server.api("GET", `/v1/conversations/${old}`)).status).toBe(404);
      expect((await server.api("GET", `/v1/conversations/${old}/messages`)).status).toBe(404);
      expect((await server.api("GET", `/v1/conversations/${old}/notes`)).status).toBe(404);
      expect(await found("zanzibar")).toBe(0);
      expect(await events(old)).toBe(0);
      expect((await fetch(file.url)).status).toBe(404);
      for (const kept of [recent, open, elsewhere])
        expect((await server.api("GET", `/v1/conversations/${kept}`)).status).toBe(200);
      expect(await found("quokka")).toBe(1);

      // Later, the one closed 20 days after it is past the period too; the open one never is.
      at(start + 52 * DAY);
      expect(await server.parley.retention.runOnce()).toBe(1);
      expect((await server.api("GET", `/v1/conversations/${recent}`)).status).toBe(404);
      expect((await server.api("GET", `/v1/conversations/${open}`)).status).toBe(200);
      expect((await server.api("GET", `/v1/conversations/${elsewhere}`)).status).toBe(200);
    });

    it("goes through many in small batches, each its own transaction", async () => {
      const ids = [];
      await server.api("PATCH", `/v1/sites/${siteId}`, { retentionDays: 30 });
      for (let i = 0; i < 7; i++) ids.push(await conversation(siteId, `batch${i}`, true));
      at(clock + 31 * DAY);
      expect(await expireConversations(server.parley.ctx, { batchSize: 2 })).toBe(7);
      for (const id of ids) expect((await server.api("GET", `/v1/conversations/${id}`)).status).toBe(404);
    });

    it("is skipped by a node while another node holds the job's lease", async () => {
      await server.api("PATCH", `/v1/sites/${siteId}`, { retentionDays: 30 });
      const id = await conversation(siteId, "leased", true);
      at(clock + 31 * DAY);
      const held = await claimLease(server.parley.ctx.db, "retention", 60_000);
      expect(held).not.toBeNull();
      expect(await server.parley.retention.runOnce()).toBeNull();
      expect((await server.api("GET", `/v1/conversations/${id}`)).status).toBe(200);
      await held!.release();
      expect(await server.parley.retention.runOnce()).toBe(1);
    });
  });
}
