import crypto from "node:crypto";
import { vi } from "vitest";
import type { Resource } from "../../server/domain/permissions.ts";
import type { TestServer } from "../helpers/server.ts";

/** What the matrix works on: objects of site A (the default site), made with the admin token. */
export interface Fixtures {
  s: TestServer;
  siteA: string;
  siteKey: string;
  conversationId: string;
  contactId: string;
  streamingMessageId: string;
  webhookId: string;
  deliveryId: string;
  fileKey: string;
  ownerId: string;
  plainAgentId: string;
  /** A team saved reply of site A. */
  cannedId: string;
}

/** One request to a route, and the object it acts on as the permission table sees it. */
export interface Sample {
  path: string;
  body?: unknown;
  form?: FormData;
  /** Sent by every caller (sign-in and sign-out take the CSRF header from anyone). */
  headers?: Record<string, string>;
  resource?: Resource;
}

const csrf = { "x-parley-csrf": "1" };
const unique = () => crypto.randomBytes(5).toString("hex");

async function made(s: TestServer, method: string, path: string, body?: unknown): Promise<any> {
  const res = await s.api(method, path, body);
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const conversationOf = (fx: Fixtures): Resource => ({ siteId: fx.siteA, visitorId: null, contactId: fx.contactId });
const siteA = (fx: Fixtures): Resource => ({ siteId: fx.siteA });

function png(): FormData {
  const form = new FormData();
  const bytes = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from("x")]);
  form.append("file", new Blob([new Uint8Array(bytes)], { type: "image/png" }), "a.png");
  return form;
}

/**
 * A request for every route of the registry, keyed "METHOD /path". A route missing here fails
 * the matrix: a new endpoint must say how it is called, and its spec which action it needs.
 * Destructive ones act on a fresh object each time.
 */
export const samples: Record<string, (fx: Fixtures) => Promise<Sample> | Sample> = {
  "POST /v1/conversations": () => ({ path: "/v1/conversations", body: { contact: { name: "Matrix" } } }),
  "GET /v1/conversations": () => ({ path: "/v1/conversations" }),
  "GET /v1/search": () => ({ path: "/v1/search?q=matrix" }),
  "GET /v1/reports/summary": (fx) => ({
    path: `/v1/reports/summary?from=2026-11-01&to=2026-11-30&siteId=${fx.siteA}`,
    resource: siteA(fx),
  }),
  "GET /v1/reports/summary.csv": (fx) => ({
    path: `/v1/reports/summary.csv?from=2026-11-01&to=2026-11-30&tz=Asia%2FKolkata&siteId=${fx.siteA}`,
    resource: siteA(fx),
  }),
  "GET /v1/contacts": () => ({ path: "/v1/contacts?q=matrix" }),
  "GET /v1/conversations/links": () => ({ path: "/v1/conversations/links?email=nobody@example.com" }),
  "GET /v1/conversations/:id": (fx) => ({
    path: `/v1/conversations/${fx.conversationId}`,
    resource: conversationOf(fx),
  }),
  "PATCH /v1/conversations/:id": (fx) => ({
    path: `/v1/conversations/${fx.conversationId}`,
    body: { priority: "high" },
    resource: conversationOf(fx),
  }),
  "POST /v1/conversations/:id/messages": (fx) => ({
    path: `/v1/conversations/${fx.conversationId}/messages`,
    body: { text: "from the matrix" },
    resource: conversationOf(fx),
  }),
  "GET /v1/conversations/:id/messages": (fx) => ({
    path: `/v1/conversations/${fx.conversationId}/messages`,
    resource: conversationOf(fx),
  }),
  "POST /v1/conversations/:id/notes": (fx) => ({
    path: `/v1/conversations/${fx.conversationId}/notes`,
    body: { text: "a private note from the matrix", mentions: [fx.plainAgentId] },
    resource: conversationOf(fx),
  }),
  "GET /v1/conversations/:id/notes": (fx) => ({
    path: `/v1/conversations/${fx.conversationId}/notes`,
    resource: conversationOf(fx),
  }),
  // This server sends no email: an allowed caller gets 409, the others 401/403/404.
  "POST /v1/conversations/:id/transcript": (fx) => ({
    path: `/v1/conversations/${fx.conversationId}/transcript`,
    resource: conversationOf(fx),
  }),
  "POST /v1/conversations/:id/route": (fx) => ({
    path: `/v1/conversations/${fx.conversationId}/route`,
    resource: conversationOf(fx),
  }),
  "PUT /v1/conversations/:id/tags/:tag": (fx) => ({
    path: `/v1/conversations/${fx.conversationId}/tags/matrix`,
    resource: conversationOf(fx),
  }),
  "DELETE /v1/conversations/:id/tags/:tag": (fx) => ({
    path: `/v1/conversations/${fx.conversationId}/tags/matrix`,
    resource: conversationOf(fx),
  }),
  "POST /v1/conversations/:id/typing": (fx) => ({
    path: `/v1/conversations/${fx.conversationId}/typing`,
    body: { typing: true },
    resource: conversationOf(fx),
  }),
  "POST /v1/conversations/:id/read": (fx) => ({
    path: `/v1/conversations/${fx.conversationId}/read`,
    body: { seq: 1 },
    resource: conversationOf(fx),
  }),
  "POST /v1/messages/:id/append": (fx) => ({
    path: `/v1/messages/${fx.streamingMessageId}/append`,
    body: { text: "…" },
    resource: conversationOf(fx),
  }),
  "POST /v1/messages/:id/complete": (fx) => ({
    path: `/v1/messages/${fx.streamingMessageId}/complete`,
    body: {},
    resource: conversationOf(fx),
  }),
  "GET /v1/contacts/:id": (fx) => ({
    path: `/v1/contacts/${fx.contactId}`,
    resource: { siteId: fx.siteA, contactId: fx.contactId },
  }),
  "PATCH /v1/contacts/:id": (fx) => ({
    path: `/v1/contacts/${fx.contactId}`,
    body: { name: "Renamed" },
    resource: { siteId: fx.siteA, contactId: fx.contactId },
  }),
  "DELETE /v1/contacts/:id": async (fx) => {
    const conv = await made(fx.s, "POST", "/v1/conversations", { contact: { name: "Erase me" } });
    return { path: `/v1/contacts/${conv.contact.id}`, resource: { siteId: fx.siteA, contactId: conv.contact.id } };
  },
  "POST /v1/files": () => ({ path: "/v1/files", form: png() }),
  "GET /v1/files/:key": (fx) => ({ path: `/v1/files/${fx.fileKey}` }),
  // No MIME body: an allowed caller gets 422, the others 401/403 before the body is read.
  "POST /v1/inbound/email": () => ({ path: "/v1/inbound/email" }),
  "GET /v1/sites": () => ({ path: "/v1/sites" }),
  "POST /v1/sites": () => ({ path: "/v1/sites", body: { name: `Site ${unique()}` } }),
  "GET /v1/sites/:id": (fx) => ({ path: `/v1/sites/${fx.siteA}`, resource: siteA(fx) }),
  "PATCH /v1/sites/:id": (fx) => ({ path: `/v1/sites/${fx.siteA}`, body: { greeting: "Hi" }, resource: siteA(fx) }),
  "GET /v1/tokens": () => ({ path: "/v1/tokens" }),
  "POST /v1/tokens": (fx) => ({ path: "/v1/tokens", body: { name: "matrix", siteId: fx.siteA }, resource: siteA(fx) }),
  "DELETE /v1/tokens/:id": async (fx) => {
    const token = await made(fx.s, "POST", "/v1/tokens", { name: "doomed", siteId: fx.siteA });
    return { path: `/v1/tokens/${token.id}`, resource: siteA(fx) };
  },
  "GET /v1/agents": () => ({ path: "/v1/agents" }),
  "POST /v1/agents": () => ({
    path: "/v1/agents",
    body: { name: "New", email: `new-${unique()}@example.com`, password: "a long password" },
  }),
  "GET /v1/agents/:id": (fx) => ({ path: `/v1/agents/${fx.ownerId}` }),
  "PATCH /v1/agents/:id": (fx) => ({
    path: `/v1/agents/${fx.plainAgentId}`,
    body: { name: "Plain" },
    resource: { agentId: fx.plainAgentId },
  }),
  "GET /v1/webhooks": () => ({ path: "/v1/webhooks" }),
  "POST /v1/webhooks": (fx) => ({
    path: "/v1/webhooks",
    body: { url: "http://127.0.0.1:9/hook", events: ["contact.deleted"], siteId: fx.siteA },
    resource: siteA(fx),
  }),
  "GET /v1/webhooks/:id": (fx) => ({ path: `/v1/webhooks/${fx.webhookId}`, resource: siteA(fx) }),
  "DELETE /v1/webhooks/:id": async (fx) => {
    const hook = await made(fx.s, "POST", "/v1/webhooks", {
      url: "http://127.0.0.1:9/doomed",
      events: ["contact.deleted"],
      siteId: fx.siteA,
    });
    return { path: `/v1/webhooks/${hook.id}`, resource: siteA(fx) };
  },
  "GET /v1/webhooks/:id/deliveries": (fx) => ({ path: `/v1/webhooks/${fx.webhookId}/deliveries`, resource: siteA(fx) }),
  "POST /v1/webhooks/:id/deliveries/:deliveryId/retry": (fx) => ({
    path: `/v1/webhooks/${fx.webhookId}/deliveries/${fx.deliveryId}/retry`,
    resource: siteA(fx),
  }),
  // With no scope, an agent saves a personal reply and a token a team one (of its own site).
  "GET /v1/canned-responses": () => ({ path: "/v1/canned-responses" }),
  "POST /v1/canned-responses": () => ({
    path: "/v1/canned-responses",
    body: { shortcut: `m-${unique()}`, title: "Matrix", message: { text: "Hi {{contact.name | there}}" } },
  }),
  "GET /v1/canned-responses/:id": (fx) => ({ path: `/v1/canned-responses/${fx.cannedId}`, resource: siteA(fx) }),
  "PATCH /v1/canned-responses/:id": (fx) => ({
    path: `/v1/canned-responses/${fx.cannedId}`,
    body: { title: "Matrix, again" },
    resource: siteA(fx),
  }),
  "DELETE /v1/canned-responses/:id": async (fx) => {
    const reply = await made(fx.s, "POST", "/v1/canned-responses", {
      shortcut: `doomed-${unique()}`,
      title: "Doomed",
      message: { text: "bye" },
      siteId: fx.siteA,
    });
    return { path: `/v1/canned-responses/${reply.id}`, resource: siteA(fx) };
  },
  "GET /v1/widget/config": (fx) => ({ path: `/v1/widget/config?siteKey=${fx.siteKey}` }),
  "GET /v1/demo/config": () => ({ path: "/v1/demo/config" }),
  "POST /v1/inbox/session": () => ({
    path: "/v1/inbox/session",
    body: { email: `nobody-${unique()}@example.com`, password: "wrong password" },
    headers: csrf,
  }),
  "GET /v1/inbox/session": () => ({ path: "/v1/inbox/session" }),
  "DELETE /v1/inbox/session": () => ({ path: "/v1/inbox/session", headers: csrf }),
};

/** The objects of site A the samples act on. */
export async function makeFixtures(s: TestServer): Promise<Fixtures> {
  const siteA = (await made(s, "GET", "/v1/sites")).items.find((x: { siteKey: string }) => x.siteKey === s.siteKey).id;
  const webhook = await made(s, "POST", "/v1/webhooks", {
    url: "http://127.0.0.1:9/hook",
    events: ["conversation.created"],
    siteId: siteA,
  });
  const conv = await made(s, "POST", "/v1/conversations", { contact: { name: "Ada" }, message: { text: "hi" } });
  const streaming = await made(s, "POST", `/v1/conversations/${conv.id}/messages`, { text: "", streaming: true });
  // The webhook consumer records the delivery after the commit, on its own schedule.
  const deliveries = await vi.waitFor(
    async () => {
      const page = await made(s, "GET", `/v1/webhooks/${webhook.id}/deliveries`);
      if (!page.items.length) throw new Error("no delivery recorded yet");
      return page;
    },
    { timeout: 15_000, interval: 50 },
  );
  const form = png();
  const file = await fetch(`${s.url}/v1/files`, {
    method: "POST",
    headers: { authorization: `Bearer ${s.token}` },
    body: form,
  }).then((r) => r.json() as Promise<{ url: string }>);
  const agents = (await made(s, "GET", "/v1/agents")).items as { id: string; role: string }[];
  const plain = await made(s, "POST", "/v1/agents", {
    name: "Plain",
    email: `plain-${unique()}@example.com`,
    password: "a long password",
  });
  const cannedReply = await made(s, "POST", "/v1/canned-responses", {
    shortcut: "matrix",
    title: "Matrix",
    message: { text: "Hello {{contact.name}}" },
    siteId: siteA,
  });
  return {
    s,
    siteA,
    siteKey: s.siteKey,
    conversationId: conv.id,
    contactId: conv.contact.id,
    streamingMessageId: streaming.id,
    webhookId: webhook.id,
    deliveryId: deliveries.items[0].id,
    fileKey: file.url.split("/").pop()!,
    ownerId: agents.find((a) => a.role === "owner")!.id,
    plainAgentId: plain.id,
    cannedId: cannedReply.id,
  };
}
