import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { databases } from "../helpers/services.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { agentWithRole } from "../helpers/agents.ts";
import { clientId, connectVisitor, text, type Visitor } from "./realtime-helpers.ts";
import { startSink, type Sink } from "./email-sink.ts";

const domain = "reply.test";

/** A visitor's conversation with one question and one answer. */
async function conversation(s: TestServer): Promise<{ v: Visitor; conversationId: string }> {
  const v = await connectVisitor(s.url, { siteKey: s.siteKey });
  const ack = await v.call("send", { clientId: clientId(), message: text("Do you ship to Norway?") });
  const conversationId = ack.conversation.id as string;
  const answered = await s.api("POST", `/v1/conversations/${conversationId}/messages`, { text: "Yes, in 3 days." });
  expect(answered.status).toBe(201);
  return { v, conversationId };
}

for (const db of databases()) {
  describe.skipIf(!db.available)(`the transcript by email on ${db.name}`, () => {
    let sink: Sink;
    let s: TestServer;
    beforeAll(async () => {
      sink = await startSink();
      s = await startTestServer({
        db: db.name,
        env: { SMTP_URL: sink.url, PARLEY_EMAIL_DELAY_S: "3600", PARLEY_EMAIL_DOMAIN: domain },
      });
      const site = await s.api("GET", "/v1/sites");
      await s.api("PATCH", `/v1/sites/${site.body.items[0].id}`, {
        name: "Fjord Shop",
        theme: { primaryColor: "#0f766e" },
      });
    });
    afterAll(async () => {
      await s?.close();
      await sink?.close();
    });

    it("reaches the visitor who asked from the widget, with an address given there, stored on the contact", async () => {
      const before = sink.mails.length;
      const { v, conversationId } = await conversation(s);
      try {
        expect(v.welcome.site.transcript).toBe(true);
        // No address yet: the widget must ask for one.
        const refused = await v.call("transcript", { conversationId });
        expect(refused).toMatchObject({ ok: false, error: { code: "validation_failed" } });
        const bad = await v.call("transcript", { conversationId, email: "not an address" });
        expect(bad).toMatchObject({ ok: false, error: { code: "validation_failed" } });

        const ack = await v.call("transcript", { conversationId, email: "Sofie@Example.org" });
        expect(ack).toEqual({ ok: true, to: "sofie@example.org" });
        const mail = await sink.mail(before + 1);
        expect(mail.to).toMatchObject({ value: [{ address: "sofie@example.org" }] });
        expect(mail.subject).toBe("Your conversation with Fjord Shop");
        expect(mail.text).toContain("Do you ship to Norway?");
        expect(mail.text).toContain("Yes, in 3 days.");
        expect(mail.html).toContain("Yes, in 3 days.");
        expect(mail.html).toContain("#0f766e");
        expect(mail.replyTo!.value[0]!.address).toMatch(new RegExp(`^reply\\+[0-9a-f]{40}@${domain}$`));
        const conv = await s.api("GET", `/v1/conversations/${conversationId}`);
        expect(conv.body.contact.email).toBe("sofie@example.org");

        // Another visitor cannot have it sent: the conversation does not exist for them.
        const other = await connectVisitor(s.url, { siteKey: s.siteKey });
        expect(await other.call("transcript", { conversationId, email: "spam@example.org" })).toMatchObject({
          ok: false,
          error: { code: "not_found" },
        });
        other.close();
      } finally {
        v.close();
      }
    });

    it("is sent by an agent from the inbox to the contact's address, and cannot flood it", async () => {
      const before = sink.mails.length;
      const { v, conversationId } = await conversation(s);
      v.close();
      const agent = await agentWithRole(s, "agent");
      const path = `/v1/conversations/${conversationId}/transcript`;
      // The contact has no address: nothing to send to.
      expect((await agent.call("POST", path)).status).toBe(422);
      const conv = await s.api("GET", `/v1/conversations/${conversationId}`);
      await s.api("PATCH", `/v1/contacts/${conv.body.contact.id}`, { email: "lars@example.org" });

      const sent = await agent.call("POST", path);
      expect(sent).toMatchObject({ status: 202, body: { to: "lars@example.org" } });
      const mail = await sink.mail(before + 1);
      expect(mail.to).toMatchObject({ value: [{ address: "lars@example.org" }] });
      expect(mail.text).toContain("Do you ship to Norway?");

      // Three an hour per conversation; the fourth is refused with Retry-After and sends nothing.
      expect((await s.api("POST", path)).status).toBe(202);
      expect((await agent.call("POST", path)).status).toBe(202);
      const limited = await agent.call("POST", path);
      expect(limited.status).toBe(429);
      expect(limited.body.error.code).toBe("rate_limited");
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(3000);
      await sink.mail(before + 3);
      await vi.waitFor(async () => {
        const rows = await s.parley.ctx.db
          .selectFrom("email_outbox")
          .select("status")
          .where("kind", "=", "transcript")
          .where("conversation_id", "=", conversationId)
          .execute();
        expect(rows.map((r) => r.status)).toEqual(["sent", "sent", "sent"]);
      });
      expect(sink.mails.length).toBe(before + 3);
      const metrics = await fetch(`${s.url}/metrics`).then((r) => r.text());
      expect(metrics).toMatch(/parley_email_sends_total\{result="sent",kind="transcript"\} [1-9]/);
    });

    it("is refused where the server sends no email", async () => {
      const plain = await startTestServer({ db: db.name });
      try {
        const { v, conversationId } = await conversation(plain);
        // The widget is told, and shows no transcript menu item.
        expect(v.welcome.site.transcript).toBe(false);
        const answer = await v.call("transcript", { conversationId, email: "x@example.org" });
        expect(answer).toMatchObject({ ok: false, error: { code: "conflict" } });
        v.close();
      } finally {
        await plain.close();
      }
    });
  });
}
