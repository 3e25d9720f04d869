import crypto from "node:crypto";
import nodemailer from "nodemailer";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { databases } from "../helpers/services.ts";
import { freshDatabaseUrl, startTestServer, type TestServer } from "../helpers/server.ts";
import { spawnNode } from "../helpers/nodes.ts";
import { clientId, connectVisitor, text, type Visitor } from "./realtime-helpers.ts";
import { replyMime, startSink, type Sink } from "./email-sink.ts";

const domain = "reply.test";
const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), crypto.randomBytes(64)]);
const answer = (api: TestServer["api"], id: string, t: string) =>
  api("POST", `/v1/conversations/${id}/messages`, { type: "text", content: { text: t } });

/** A visitor who started a conversation and left an email address. */
async function visitorWithEmail(s: { url: string; siteKey: string; api: TestServer["api"] }, email: string) {
  const v = await connectVisitor(s.url, { siteKey: s.siteKey });
  const ack = await v.call("send", { clientId: clientId(), message: text("Is my order on its way?") });
  const conversationId = ack.conversation.id as string;
  const conv = await s.api("GET", `/v1/conversations/${conversationId}`);
  expect((await s.api("PATCH", `/v1/contacts/${conv.body.contact.id}`, { email })).status).toBe(200);
  return { v, conversationId };
}

const replyTo = (mail: { replyTo?: { value: { address?: string }[] } }) => mail.replyTo!.value[0]!.address!;

for (const db of databases()) {
  describe.skipIf(!db.available)(`email continuity on ${db.name}`, () => {
    let sink: Sink;
    let s: TestServer;
    const open: Visitor[] = [];
    beforeAll(async () => {
      sink = await startSink();
      s = await startTestServer({
        db: db.name,
        env: {
          SMTP_URL: sink.url,
          PARLEY_EMAIL_DELAY_S: "1",
          PARLEY_EMAIL_DOMAIN: domain,
          PARLEY_EMAIL_FROM: "Acme Support <support@example.com>",
          PARLEY_INBOUND_SMTP_PORT: "0",
        },
      });
    });
    afterEach(() => open.splice(0).forEach((v) => v.close()));
    afterAll(async () => {
      await s?.close();
      await sink?.close();
    });

    it("emails both answers once after the visitor left, and only what the visitor did not see", async () => {
      const before = sink.mails.length;
      const { v, conversationId } = await visitorWithEmail(s, "leaver@example.org");
      v.close();
      expect((await answer(s.api, conversationId, "It ships today.")).status).toBe(201);
      expect((await answer(s.api, conversationId, "Tracking: 1Z999")).status).toBe(201);
      const mail = await sink.mail(before + 1);
      expect(mail.to).toMatchObject({ value: [{ address: "leaver@example.org" }] });
      expect(mail.text).toContain("It ships today.");
      expect(mail.text).toContain("Tracking: 1Z999");
      expect(mail.html).toContain("Tracking: 1Z999");
      expect(replyTo(mail)).toMatch(new RegExp(`^reply\\+[0-9a-f]{40}@${domain}$`));

      // A third answer makes a second email with that answer only: the first two were not sent again.
      await answer(s.api, conversationId, "Anything else?");
      const next = await sink.mail(before + 2);
      expect(next.text).toContain("Anything else?");
      expect(next.text).not.toContain("It ships today.");
    });

    it("never emails a message the visitor saw", async () => {
      const before = sink.mails.length;
      const { v, conversationId } = await visitorWithEmail(s, "reader@example.org");
      open.push(v);
      const seen = await answer(s.api, conversationId, "Seen answer");
      expect((await v.call("read", { conversationId, seq: seen.body.seq })).conversation.readUpTo.contact).toBe(
        seen.body.seq,
      );
      await answer(s.api, conversationId, "Unseen answer");
      const mail = await sink.mail(before + 1);
      expect(mail.text).toContain("Unseen answer");
      expect(mail.text).not.toContain("Seen answer");
    });

    it("turns a reply (SMTP and POST /v1/inbound/email) into the new line and the file; forged tokens store nothing", async () => {
      const before = sink.mails.length;
      const { v, conversationId } = await visitorWithEmail(s, "replier@example.org");
      v.close();
      await answer(s.api, conversationId, "Can you send the receipt?");
      const address = replyTo(await sink.mail(before + 1));

      const transport = nodemailer.createTransport({
        host: "127.0.0.1",
        port: s.parley.email.smtpPort!,
        secure: false,
      });
      const raw = replyMime({ to: address, messageId: "smtp-1", text: "Here it is.", attachment: png });
      await transport.sendMail({ envelope: { from: "jane@example.org", to: [address] }, raw });
      const history = async () =>
        (await s.api("GET", `/v1/conversations/${conversationId}/messages?limit=50`)).body.items as any[];
      let msgs = await history();
      const fromContact = msgs.filter((m) => m.sender.type === "contact" && m.seq > 2);
      expect(fromContact.map((m) => m.type).sort()).toEqual(["image", "text"]);
      expect(fromContact.find((m) => m.type === "text").content.text).toBe("Here it is.");
      const file = await fetch(fromContact.find((m) => m.type === "image").content.url);
      expect(Buffer.from(await file.arrayBuffer()).equals(png)).toBe(true);

      // The same by the provider webhook.
      const posted = await fetch(`${s.url}/v1/inbound/email`, {
        method: "POST",
        headers: { authorization: `Bearer ${s.token}`, "content-type": "message/rfc822" },
        body: new Uint8Array(replyMime({ to: address, messageId: "http-1", text: "And one more thing." })),
      });
      expect(posted.status).toBe(201);
      msgs = await history();
      expect(msgs.some((m) => m.content.text === "And one more thing.")).toBe(true);
      expect(JSON.stringify(msgs)).not.toContain("Your order ships today");
      expect(JSON.stringify(msgs)).not.toContain("Acme Customer");

      // Forged tokens: refused at RCPT over SMTP, 404 over HTTP, nothing stored.
      const forged = `reply+${"0".repeat(40)}@${domain}`;
      await expect(
        transport.sendMail({
          envelope: { from: "x@example.org", to: [forged] },
          raw: replyMime({ to: forged, messageId: "f1", text: "hi" }),
        }),
      ).rejects.toThrow(/550/);
      const refused = await fetch(`${s.url}/v1/inbound/email`, {
        method: "POST",
        headers: { authorization: `Bearer ${s.token}`, "content-type": "message/rfc822" },
        body: new Uint8Array(replyMime({ to: forged, messageId: "f2", text: "hi" })),
      });
      expect(refused.status).toBe(404);
      expect((await history()).length).toBe(msgs.length);
      transport.close();
    });

    it("starts a new conversation for the same contact when the reply is to a closed one", async () => {
      const before = sink.mails.length;
      const { v, conversationId } = await visitorWithEmail(s, "closed@example.org");
      v.close();
      await answer(s.api, conversationId, "Closing this now.");
      const address = replyTo(await sink.mail(before + 1));
      expect((await s.api("PATCH", `/v1/conversations/${conversationId}`, { status: "closed" })).status).toBe(200);
      const posted = await fetch(`${s.url}/v1/inbound/email`, {
        method: "POST",
        headers: { authorization: `Bearer ${s.token}`, "content-type": "message/rfc822" },
        body: new Uint8Array(replyMime({ to: address, messageId: "closed-1", text: "Wait, one more question" })),
      });
      expect(posted.status).toBe(201);
      const created = (await posted.json()) as { conversationId: string };
      expect(created.conversationId).not.toBe(conversationId);
      const old = await s.api("GET", `/v1/conversations/${conversationId}`);
      const fresh = await s.api("GET", `/v1/conversations/${created.conversationId}`);
      expect(fresh.body.contact.id).toBe(old.body.contact.id);
      expect(fresh.body.lastMessage.content.text).toBe("Wait, one more question");
      // The provider delivering the same email again starts nothing more.
      const again = await fetch(`${s.url}/v1/inbound/email`, {
        method: "POST",
        headers: { authorization: `Bearer ${s.token}`, "content-type": "message/rfc822" },
        body: new Uint8Array(replyMime({ to: address, messageId: "closed-1", text: "Wait, one more question" })),
      });
      expect(((await again.json()) as { conversationId: string }).conversationId).toBe(created.conversationId);
      expect((await s.api("GET", `/v1/conversations/${created.conversationId}`)).body.lastMessage.seq).toBe(1);
    });
  });

  describe.skipIf(!db.available)(`email across a crash on ${db.name}`, () => {
    it("sends exactly one email when the server is killed between the answer and the send", async () => {
      const sink = await startSink();
      const database = await freshDatabaseUrl(db.name);
      const token = `sk_test_${crypto.randomBytes(12).toString("hex")}`;
      const env = { SMTP_URL: sink.url, PARLEY_EMAIL_DELAY_S: "2", PARLEY_EMAIL_DOMAIN: domain };
      try {
        const first = await spawnNode({ databaseUrl: database.url, token, env });
        const { v, conversationId } = await visitorWithEmail(first, "crash@example.org");
        v.close();
        await answer(first.api, conversationId, "First answer");
        await answer(first.api, conversationId, "Second answer");
        first.child.kill("SIGKILL");
        await first.exited;
        expect(sink.mails.length).toBe(0);
        const second = await spawnNode({ databaseUrl: database.url, token, env });
        const mail = await sink.mail(1);
        expect(mail.text).toContain("First answer");
        expect(mail.text).toContain("Second answer");
        // The next email holds the next answer only: the first was not sent twice.
        await answer(second.api, conversationId, "Third answer");
        const next = await sink.mail(2);
        expect(next.text).toContain("Third answer");
        expect(next.text).not.toContain("First answer");
        await second.close();
      } finally {
        await sink.close();
        await database.drop();
      }
    }, 90_000); // two node processes start one after the other: slow on a busy machine
  });
}
