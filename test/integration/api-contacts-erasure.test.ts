import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "kysely";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { databases } from "../helpers/services.ts";
import { clientId, connectVisitor, text, type Visitor } from "./realtime-helpers.ts";
import { startReceiver, type Receiver } from "./webhooks-receiver.ts";
import { hashToken } from "../../server/domain/secrets.ts";

/**
 * DELETE /v1/contacts/{id}: the contact is erased with its conversations, messages, tags, files
 * and widget visitors, in one transaction, on both databases; nothing of anyone else changes.
 */

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from("a tiny png")]);
const fast = { PARLEY_WEBHOOK_ALLOW_PRIVATE: "1", PARLEY_WEBHOOK_BACKOFF_MS: "40", PARLEY_WEBHOOK_TIMEOUT_MS: "400" };
const csrf = { "x-parley-csrf": "1" };

/** The tables that hold a contact's data. */
const personalTables = ["contacts", "visitors", "conversations", "conversation_tags", "messages", "files"] as const;

/** Re-reads until `check` holds (the dispatcher records an outcome after the receiver answered). */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition never held; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface Person {
  contactId: string;
  email: string;
  secretText: string;
  conversationIds: string[];
  widgetConversationId: string;
  firstMessageId: string;
  visitor: Visitor;
  fileUrls: string[];
}

for (const db of databases()) {
  describe.skipIf(!db.available)(`contact erasure (${db.name})`, () => {
    let server: TestServer;
    let receiver: Receiver;
    let webhookId: string;
    const open: Visitor[] = [];

    beforeAll(async () => {
      server = await startTestServer({ db: db.name, env: fast });
      receiver = await startReceiver();
      const hook = await server.api("POST", "/v1/webhooks", {
        url: receiver.url,
        events: ["message.created", "contact.deleted"],
      });
      expect(hook.status).toBe(201);
      webhookId = hook.body.id;
    });
    afterAll(async () => {
      for (const v of open) v.close();
      await server?.close();
      await receiver?.close();
    });

    /** Uploads as the agent side (API token), or as the widget does (its visitor credentials). */
    async function upload(
      visitorToken?: string,
    ): Promise<{ url: string; name: string; size: number; mimeType: string }> {
      const form = new FormData();
      form.append("file", new Blob([new Uint8Array(PNG)], { type: "image/png" }), "receipt.png");
      const headers: Record<string, string> = visitorToken
        ? { authorization: `Visitor ${visitorToken}`, "x-parley-site": server.siteKey }
        : { authorization: `Bearer ${server.token}` };
      const res = await fetch(`${server.url}/v1/files`, { method: "POST", headers, body: form });
      expect(res.status).toBe(201);
      return res.json();
    }

    /**
     * A person with everything Parley keeps of one: a widget visitor identified with an email,
     * a widget conversation with an agent's reply, a tag and an agent's attachment, a file the
     * visitor uploaded, and a second conversation started over REST.
     */
    async function person(name: string): Promise<Person> {
      const email = `${name.toLowerCase()}@example.com`;
      const secretText = `${name}'s private words ${clientId()}`;
      const visitor = await connectVisitor(server.url, { siteKey: server.siteKey });
      open.push(visitor);
      const identified = await visitor.call("identify", { name, email, phone: "+46 70 000 00 00" });
      expect(identified.ok).toBe(true);
      const contactId = identified.contactId as string;
      const sent = await visitor.call("send", { clientId: clientId(), message: text(secretText) });
      expect(sent.ok).toBe(true);
      const widgetConversationId = sent.conversation.id as string;

      expect(
        (await server.api("POST", `/v1/conversations/${widgetConversationId}/messages`, { text: `Hello ${name}` }))
          .status,
      ).toBe(201);
      expect((await server.api("PUT", `/v1/conversations/${widgetConversationId}/tags/billing`)).status).toBe(200);
      const agentFile = await upload();
      expect(
        (
          await server.api("POST", `/v1/conversations/${widgetConversationId}/messages`, {
            type: "file",
            content: agentFile,
          })
        ).status,
      ).toBe(201);

      const visitorFile = await upload(visitor.welcome.visitorToken);

      const byRest = await server.api("POST", "/v1/conversations", {
        contactId,
        message: { text: secretText },
        tags: ["vip"],
      });
      expect(byRest.status).toBe(201);
      return {
        contactId,
        email,
        secretText,
        conversationIds: [widgetConversationId, byRest.body.id],
        widgetConversationId,
        firstMessageId: sent.message.id,
        visitor,
        fileUrls: [agentFile.url, visitorFile.url],
      };
    }

    /** Every row of the personal tables (file bytes left out), as text. */
    async function snapshot(): Promise<Record<string, string[]>> {
      const out: Record<string, string[]> = {};
      for (const table of personalTables) {
        const rows = (await sql`select * from ${sql.table(table)}`.execute(server.parley.store.db)).rows as Record<
          string,
          unknown
        >[];
        out[table] = rows.map((r) => JSON.stringify({ ...r, data: undefined, last_seen_at: undefined })).sort();
      }
      return out;
    }

    /** The snapshot without the rows that belong to `p`. */
    function without(before: Record<string, string[]>, p: Person): Record<string, string[]> {
      const convs = new Set(p.conversationIds);
      const keyHashes = new Set(p.fileUrls.map((u) => hashToken(u.split("/").pop()!)));
      const belongs: Record<(typeof personalTables)[number], (r: any) => boolean> = {
        contacts: (r) => r.id === p.contactId,
        visitors: (r) => r.contact_id === p.contactId,
        conversations: (r) => convs.has(r.id),
        conversation_tags: (r) => convs.has(r.conversation_id),
        messages: (r) => convs.has(r.conversation_id),
        files: (r) => keyHashes.has(r.key_hash),
      };
      return Object.fromEntries(
        personalTables.map((t) => [t, before[t]!.filter((line) => !belongs[t](JSON.parse(line)))]),
      );
    }

    async function deliveredCount(): Promise<number> {
      const res = await server.api("GET", `/v1/webhooks/${webhookId}/deliveries`);
      return res.body.items.filter((d: { state: string }) => d.state === "delivered").length;
    }

    it("erases the contact with its conversations, messages, tags, files and visitors, and nothing of anyone else", async () => {
      const ann = await person("Ann");
      const bob = await person("Bob");
      // Ann's message.created deliveries are done before she is erased.
      await receiver.waitFor(
        (got) => got.filter((r) => r.body.type === "message.created" && r.status === 200).length >= 8,
        "message.created deliveries",
      );
      await eventually(deliveredCount, (n) => n >= 8);

      const before = await snapshot();
      for (const table of personalTables)
        expect(without(before, ann)[table]!.length, table).toBeLessThan(before[table]!.length);

      const erased = await server.api("DELETE", `/v1/contacts/${ann.contactId}`);
      expect(erased.status).toBe(204);
      expect(erased.body).toBeUndefined();

      // Exactly Ann's rows are gone; Bob's are as they were.
      expect(await snapshot()).toEqual(without(before, ann));

      // The API no longer knows any of it.
      expect((await server.api("GET", `/v1/contacts/${ann.contactId}`)).status).toBe(404);
      for (const id of ann.conversationIds) {
        expect((await server.api("GET", `/v1/conversations/${id}`)).status).toBe(404);
        const history = await server.api("GET", `/v1/conversations/${id}/messages`);
        expect(history.status).toBe(404);
        expect(history.body.error.code).toBe("not_found");
      }
      const links = await server.api(
        "GET",
        `/v1/conversations/links?email=${encodeURIComponent(ann.email)}&email=${encodeURIComponent(bob.email)}`,
      );
      expect(links.status).toBe(200);
      expect(links.body[0]).toEqual({ email: ann.email, conversations: [] });
      expect(links.body[1].conversations.map((c: { id: string }) => c.id).sort()).toEqual(
        [...bob.conversationIds].sort(),
      );
      const listed = await server.api("GET", "/v1/conversations?limit=100");
      expect(listed.body.items.map((c: { id: string }) => c.id)).not.toEqual(
        expect.arrayContaining([ann.conversationIds[0]]),
      );
      for (const url of ann.fileUrls) expect((await fetch(url)).status).toBe(404);
      for (const url of bob.fileUrls) expect((await fetch(url)).status).toBe(200);
      expect((await server.api("GET", `/v1/contacts/${bob.contactId}`)).body.email).toBe(bob.email);

      // Finished webhook deliveries no longer hold her words; subscribers hear contact.deleted.
      const stored = (await sql<{ data: string }>`select data from webhook_events`.execute(server.parley.store.db))
        .rows;
      expect(stored.filter((e) => e.data.includes(ann.secretText))).toEqual([]);
      expect(stored.filter((e) => e.data.includes(bob.secretText)).length).toBeGreaterThan(0);
      await receiver.waitFor((got) => got.some((r) => r.body.type === "contact.deleted"), "contact.deleted");
      const told = receiver.received.filter((r) => r.body.type === "contact.deleted");
      expect(told).toHaveLength(1);
      expect(told[0]!.body.data).toEqual({ siteId: expect.stringMatching(/^site_/), contactId: ann.contactId });

      // Erasing again finds nothing.
      const again = await server.api("DELETE", `/v1/contacts/${ann.contactId}`);
      expect(again.status).toBe(404);
      expect(again.body.error.code).toBe("not_found");
    });

    it("tells the erased visitor's open socket and cuts it, and its token no longer names the person", async () => {
      const cid = await person("Cid");
      const { visitor } = cid;
      const oldVisitorId = visitor.welcome.visitorId;
      expect((await visitor.call("resync", { conversationId: cid.widgetConversationId, afterSeq: 0 })).ok).toBe(true);
      const cut = new Promise<string>((resolve) => visitor.socket.once("disconnect", resolve));

      expect((await server.api("DELETE", `/v1/contacts/${cid.contactId}`)).status).toBe(204);

      expect(await cut).toBe("io server disconnect");
      expect(visitor.events("erased")).toHaveLength(1);

      // Coming back with the old token makes a new, empty visitor.
      const back = await connectVisitor(server.url, {
        siteKey: server.siteKey,
        visitorToken: visitor.welcome.visitorToken,
      });
      open.push(back);
      expect(back.welcome.visitorId).not.toBe(oldVisitorId);
      expect(back.welcome.visitorToken).not.toBe(visitor.welcome.visitorToken);
      expect(back.welcome.contactId).toBeNull();
      expect(back.welcome.conversationId).toBeNull();
      expect((await back.call("resync", { conversationId: cid.widgetConversationId, afterSeq: 0 })).error.code).toBe(
        "not_found",
      );
    });

    it("lets admin tokens, tokens of the contact's site and owners erase; 404 for another site's token, 403 for a plain agent", async () => {
      const contactOf = async (name: string, siteId?: string) => {
        const res = await server.api("POST", "/v1/conversations", {
          ...(siteId ? { siteId } : {}),
          contact: { name },
          message: { text: "hi" },
        });
        expect(res.status).toBe(201);
        return {
          contactId: res.body.contact.id as string,
          conversationId: res.body.id as string,
          siteId: res.body.siteId as string,
        };
      };
      const here = await contactOf("Dee");
      const otherSite = (await server.api("POST", "/v1/sites", { name: "Elsewhere" })).body.id as string;
      const there = await contactOf("Eve", otherSite);
      const tokenOf = async (siteId: string) =>
        (await server.api("POST", "/v1/tokens", { name: `erase ${siteId}`, siteId })).body.secret as string;
      const hereToken = await tokenOf(here.siteId);
      const asToken = (token: string, id: string) =>
        fetch(`${server.url}/v1/contacts/${id}`, { method: "DELETE", headers: { authorization: `Bearer ${token}` } });

      // Another site's token: as if the contact did not exist, and nothing is erased.
      const foreign = await asToken(hereToken, there.contactId);
      expect(foreign.status).toBe(404);
      expect((await foreign.json()).error.code).toBe("not_found");
      expect((await server.api("GET", `/v1/conversations/${there.conversationId}`)).status).toBe(200);
      expect((await asToken(hereToken, "ct_doesnotexist")).status).toBe(404);

      // A plain agent may not; an owner may.
      expect(
        (
          await server.api("POST", "/v1/agents", {
            name: "Plain",
            email: "plain@example.com",
            password: "a long enough password",
          })
        ).status,
      ).toBe(201);
      const cookieOf = async (email: string, password: string) => {
        const res = await fetch(`${server.url}/v1/inbox/session`, {
          method: "POST",
          headers: { "content-type": "application/json", ...csrf },
          body: JSON.stringify({ email, password }),
        });
        expect(res.status).toBe(200);
        return (res.headers.get("set-cookie") ?? "").split(";")[0]!;
      };
      const asAgent = (cookie: string, id: string) =>
        fetch(`${server.url}/v1/contacts/${id}`, { method: "DELETE", headers: { cookie, ...csrf } });
      const plain = await asAgent(await cookieOf("plain@example.com", "a long enough password"), here.contactId);
      expect(plain.status).toBe(403);
      expect((await plain.json()).error.code).toBe("forbidden");
      expect((await server.api("GET", `/v1/contacts/${here.contactId}`)).status).toBe(200);
      expect((await asAgent(await cookieOf("admin@localhost", server.adminPassword), there.contactId)).status).toBe(
        204,
      );
      expect((await server.api("GET", `/v1/conversations/${there.conversationId}`)).status).toBe(404);

      // The contact's own site's token.
      expect((await asToken(hereToken, here.contactId)).status).toBe(204);
      expect((await server.api("GET", `/v1/contacts/${here.contactId}`)).status).toBe(404);
    });

    it("answers writes racing the erasure with 2xx or 4xx, never 5xx, and leaves nothing of the contact behind", async () => {
      const answers = new Set<number>();
      for (let round = 0; round < 5; round++) {
        const started = await server.api("POST", "/v1/conversations", {
          contact: { name: `Racer ${round}` },
          message: { text: "first" },
        });
        const contactId = started.body.contact.id as string;
        const newConversation = () =>
          server.api("POST", "/v1/conversations", { contactId, message: { text: "another" } });
        const reply = () => server.api("POST", `/v1/conversations/${started.body.id}/messages`, { text: "a reply" });
        const all = await Promise.all([
          newConversation(),
          reply(),
          newConversation(),
          server.api("DELETE", `/v1/contacts/${contactId}`),
          newConversation(),
          reply(),
          newConversation(),
        ]);
        for (const res of all) answers.add(res.status);
        expect(all[3]!.status).toBe(204);
        const db = server.parley.store.db;
        expect(await db.selectFrom("conversations").select("id").where("contact_id", "=", contactId).execute()).toEqual(
          [],
        );
        expect(
          await db.selectFrom("messages").select("id").where("conversation_id", "=", started.body.id).execute(),
        ).toEqual([]);
      }
      expect([...answers].filter((s) => s >= 500)).toEqual([]);
    });

    it("is described in the OpenAPI document, with the file download URL", async () => {
      const doc = await (await fetch(`${server.url}/v1/openapi.json`)).json();
      expect(doc.paths["/v1/contacts/{id}"].delete.responses).toHaveProperty("204");
      expect(doc.paths["/v1/contacts/{id}"].delete.responses).toHaveProperty("403");
      const download = doc.paths["/v1/files/{key}"].get;
      expect(download.security).toEqual([]);
      expect(download.parameters).toEqual([expect.objectContaining({ in: "path", name: "key", required: true })]);
      expect(download.responses).toHaveProperty("200");
      expect(download.responses).toHaveProperty("404");
    });
  });
}
