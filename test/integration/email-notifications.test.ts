import { io, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ParsedMail } from "mailparser";
import { databases, services } from "../helpers/services.ts";
import { freshDatabaseUrl, startTestServer, type TestServer } from "../helpers/server.ts";
import { agentWithRole } from "../helpers/agents.ts";
import { nodesAvailable, spawnNode, startNodes, type ParleyNode, type SpawnedNode } from "../helpers/nodes.ts";
import { signedIn } from "../helpers/agents.ts";
import { startSink, type Sink } from "./email-sink.ts";

/** The agent's session on another node: cookies are the database's, any node takes them. */
const signedInOn = (node: ParleyNode, a: Agent) => signedIn(node, a.email, a.password);

type Agent = Awaited<ReturnType<typeof agentWithRole>>;
const env = (sink: Sink) => ({ SMTP_URL: sink.url, PARLEY_EMAIL_DELAY_S: "3600", PARLEY_EMAIL_DOMAIN: "reply.test" });
const to = (m: ParsedMail) => (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address;
const mailsTo = (sink: Sink, a: Agent) => sink.mails.filter((m) => to(m) === a.email);

/** An agent with an inbox open: online for presence (CONTRACT §8). */
async function openInbox(s: ParleyNode, a: Agent): Promise<Socket> {
  const socket = io(`${s.url}/agent`, {
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
    extraHeaders: { cookie: a.call.headers.cookie! },
  });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  await vi.waitFor(async () => expect((await s.api("GET", `/v1/agents/${a.id}`)).body.availability).toBe("online"));
  return socket;
}

/**
 * Waits until `n` notifications about this conversation were written and sent; answers the
 * recipients of all of them. The consumer writes every email of one event in one transaction.
 */
async function notified(s: TestServer, conversationId: string, n: number): Promise<string[]> {
  return vi.waitFor(async () => {
    const rows = await s.parley.ctx.db
      .selectFrom("email_outbox")
      .select(["recipient", "status"])
      .where("kind", "=", "notification")
      .where("conversation_id", "=", conversationId)
      .execute();
    expect(rows.filter((r) => r.status === "sent").length).toBeGreaterThanOrEqual(n);
    return rows.map((r) => r.recipient).sort();
  });
}

for (const db of databases()) {
  describe.skipIf(!db.available)(`agents' email notifications on ${db.name}`, () => {
    let sink: Sink;
    let s: TestServer;
    let offline: Agent, online: Agent, optedOut: Agent, billing: Agent;
    let inbox: Socket;
    beforeAll(async () => {
      sink = await startSink();
      s = await startTestServer({ db: db.name, env: env(sink) });
      const team = await Promise.all([1, 2, 3, 4].map(() => agentWithRole(s, "agent")));
      [offline, online, optedOut, billing] = team as [Agent, Agent, Agent, Agent];
      // Each agent opts in by itself (the default is off); one stays out.
      for (const a of [offline, online, billing]) {
        const res = await a.call("PATCH", `/v1/agents/${a.id}`, { emailNotifications: true });
        expect(res.body.emailNotifications).toBe(true);
      }
      expect((await s.api("GET", `/v1/agents/${optedOut.id}`)).body.emailNotifications).toBe(false);
      expect((await s.api("PATCH", `/v1/agents/${billing.id}`, { queues: ["billing"] })).status).toBe(200);
      inbox = await openInbox(s, online);
    });
    afterAll(async () => {
      inbox?.disconnect();
      await s?.close();
      await sink?.close();
    });

    it("refuses what is not a boolean and lets nobody else's agent change it", async () => {
      const bad = await offline.call("PATCH", `/v1/agents/${offline.id}`, { emailNotifications: "yes" });
      expect(bad.status).toBe(422);
      expect((await offline.call("PATCH", `/v1/agents/${online.id}`, { emailNotifications: false })).status).toBe(403);
      expect((await s.api("GET", `/v1/agents/${online.id}`)).body.emailNotifications).toBe(true);
    });

    it("tells offline agents who opted in of a new conversation in their queues, with a link to it", async () => {
      const conv = await s.api("POST", "/v1/conversations", {
        contact: { name: "Nora Berg" },
        message: { text: "Where is my parcel?" },
      });
      expect(conv.status).toBe(201);
      expect(await notified(s, conv.body.id, 1)).toEqual([offline.email]);
      const mail = mailsTo(sink, offline).at(-1)!;
      expect(mail.subject).toContain("New conversation: Nora Berg");
      expect(mail.text).toContain("Where is my parcel?");
      expect(mail.text).toContain(`${s.url}/inbox/#/conversations/${conv.body.id}`);
      expect(mail.html).toContain(`/inbox/#/conversations/${conv.body.id}`);
      expect(mail.replyTo).toBeUndefined();

      // The billing queue reaches the agent who takes billing (and those who take every queue).
      const bill = await s.api("POST", "/v1/conversations", { contact: { name: "Ola" }, queue: "billing" });
      expect(await notified(s, bill.body.id, 2)).toEqual([billing.email, offline.email].sort());
    });

    it("tells an agent of an assignment only while offline, once", async () => {
      const conv = await s.api("POST", "/v1/conversations", { contact: { name: "Per" }, queue: "returns" });
      await s.api("PATCH", `/v1/conversations/${conv.body.id}`, { assignee: online.id });
      await s.api("PATCH", `/v1/conversations/${conv.body.id}`, { assignee: optedOut.id });
      await s.api("PATCH", `/v1/conversations/${conv.body.id}`, { assignee: offline.id });
      // Queue "returns": only the agent who takes every queue heard of it, then of the assignment.
      expect(await notified(s, conv.body.id, 2)).toEqual([offline.email, offline.email]);
      const subjects = mailsTo(sink, offline)
        .slice(-2)
        .map((m) => m.subject);
      expect(subjects).toEqual(
        expect.arrayContaining(["Assigned to you: Per (Default site)", "New conversation: Per (Default site)"]),
      );
      expect(mailsTo(sink, online)).toEqual([]);
      expect(mailsTo(sink, optedOut)).toEqual([]);
    });

    it("tells mentioned agents while offline, not the online, not those who opted out", async () => {
      const conv = await s.api("POST", "/v1/conversations", { contact: { name: "Kari" }, queue: "vip" });
      const note = await s.api("POST", `/v1/conversations/${conv.body.id}/notes`, {
        text: "Can you call her back?",
        mentions: [offline.id, online.id, optedOut.id],
      });
      expect(note.status).toBe(201);
      await vi.waitFor(() =>
        expect(mailsTo(sink, offline).some((m) => m.subject?.startsWith("You were mentioned"))).toBe(true),
      );
      const mail = mailsTo(sink, offline).find((m) => m.subject?.startsWith("You were mentioned"))!;
      expect(mail.text).toContain("Can you call her back?");
      expect(await notified(s, conv.body.id, 2)).toEqual([offline.email, offline.email]);
      expect(mailsTo(sink, online)).toEqual([]);
      expect(mailsTo(sink, optedOut)).toEqual([]);

      // Opting out again stops them.
      await offline.call("PATCH", `/v1/agents/${offline.id}`, { emailNotifications: false });
      await s.api("POST", `/v1/conversations/${conv.body.id}/notes`, { text: "Again?", mentions: [offline.id] });
      await s.api("POST", `/v1/conversations/${conv.body.id}/notes`, { text: "Billing?", mentions: [billing.id] });
      await vi.waitFor(() => expect(mailsTo(sink, billing).some((m) => m.text?.includes("Billing?"))).toBe(true));
      expect(mailsTo(sink, offline).some((m) => m.text?.includes("Again?"))).toBe(false);
    });
  });

  describe.skipIf(!db.available)(`agents' email notifications across a restart on ${db.name}`, () => {
    it("sends each notification once, not again after the server restarts", async () => {
      const sink = await startSink();
      const database = await freshDatabaseUrl(db.name);
      try {
        let s = await startTestServer({ db: db.name, databaseUrl: database.url, env: env(sink) });
        const agent = await agentWithRole(s, "agent");
        await agent.call("PATCH", `/v1/agents/${agent.id}`, { emailNotifications: true });
        const first = await s.api("POST", "/v1/conversations", { contact: { name: "Before" } });
        expect(await notified(s, first.body.id, 1)).toEqual([agent.email]);
        await s.close();

        s = await startTestServer({ db: db.name, databaseUrl: database.url, env: env(sink) });
        const second = await s.api("POST", "/v1/conversations", { contact: { name: "After" } });
        expect(await notified(s, second.body.id, 1)).toEqual([agent.email]);
        expect(await notified(s, first.body.id, 1)).toEqual([agent.email]);
        expect(mailsTo(sink, { email: agent.email } as Agent).map((m) => m.subject)).toEqual([
          "New conversation: Before (Default site)",
          "New conversation: After (Default site)",
        ]);
        await s.close();
      } finally {
        await sink.close();
        await database.drop();
      }
    });
  });
}

describe.skipIf(!nodesAvailable)("agents' email notifications on two node processes", () => {
  it("sends each notification once whichever node handles it, with presence shared, and not again after a crash", async () => {
    const sink = await startSink();
    const { nodes, databaseUrl, token, close } = await startNodes(2, { env: env(sink) });
    const [a, b] = nodes as [SpawnedNode, SpawnedNode];
    let restarted: ParleyNode | null = null;
    let inbox: Socket | null = null;
    try {
      const away = await agentWithRole(b, "agent");
      const there = await agentWithRole(b, "agent");
      for (const agent of [away, there])
        await agent.call("PATCH", `/v1/agents/${agent.id}`, { emailNotifications: true });
      // One agent's inbox is open on node A; node B must know it from Redis.
      inbox = await openInbox(a, { ...there, call: await signedInOn(a, there) });
      await vi.waitFor(async () =>
        expect((await b.api("GET", `/v1/agents/${there.id}`)).body.availability).toBe("online"),
      );

      const ids: string[] = [];
      for (const name of ["One", "Two", "Three"])
        ids.push((await b.api("POST", "/v1/conversations", { contact: { name } })).body.id);
      await a.api("POST", `/v1/conversations/${ids[0]}/notes`, { text: "Look", mentions: [away.id, there.id] });
      await vi.waitFor(() => expect(mailsTo(sink, away).length).toBe(4), { timeout: 15_000 });
      expect(mailsTo(sink, there)).toEqual([]);

      // A crash of one node and a restart on the same database: nothing is sent again.
      a.child.kill("SIGKILL");
      await a.exited;
      restarted = await spawnNode({ databaseUrl, token, env: { ...env(sink), REDIS_URL: services.redisUrl! } });
      const marker = await restarted.api("POST", "/v1/conversations", { contact: { name: "Marker" } });
      expect(marker.status).toBe(201);
      await vi.waitFor(() => expect(mailsTo(sink, away).some((m) => m.subject?.includes("Marker"))).toBe(true), {
        timeout: 15_000,
      });
      expect(
        mailsTo(sink, away)
          .map((m) => m.subject)
          .sort(),
      ).toEqual(
        [
          "New conversation: One (Default site)",
          "New conversation: Two (Default site)",
          "New conversation: Three (Default site)",
          "You were mentioned: One (Default site)",
          "New conversation: Marker (Default site)",
        ].sort(),
      );
    } finally {
      inbox?.disconnect();
      await restarted?.close();
      await close();
      await sink.close();
    }
  }, 120_000);
});
