import { sql } from "kysely";
import type { TypedMessageInput } from "../../shared/schemas/index.ts";
import type { VisitorConversation, VisitorMessage } from "../../shared/protocol.ts";
import type { Ctx, Db, Emit, Trx } from "./context.ts";
import { conversationViews } from "./views.ts";
import { newContactRow } from "./contacts.ts";
import { newConversationRow } from "./conversation-create.ts";
import { insertMessages, type MessageOutcome, type MessageRequest } from "./message-insert.ts";
import { senderFor } from "./messages.ts";
import { lockVisitors, visitorConversation, visitorGone, visitorPrincipal } from "./visitors.ts";
import { conversationUniqueId, messageKey, visitorMessageOf } from "./visitor-messages.ts";
import type { Outcome } from "./batch-queue.ts";
import type { ContactRow, ConversationRow, VisitorRow } from "../store/tables.ts";
import { conversationDocument, reindexContact } from "../store/search-sources.ts";
import { insertDocuments } from "../store/search-index.ts";

/**
 * Visitors' first messages, set-oriented: one call decides and writes any number of them in the
 * caller's transaction with a fixed number of statements — the visitors locked and read, their
 * first contacts made, the conversations their client ids started and their open ones looked
 * up, the new conversations inserted, then every message through insertMessages — so that a
 * group of concurrent starts (start-queue.ts) costs about what one costs. The requests are
 * decided in order, each as if the ones before it had committed: a second tab of a visitor
 * joins the conversation its first tab started, a client id sent twice starts one.
 */

export interface StartRequest {
  visitorId: string;
  clientId: string;
  /** The conversation the widget wrote to and found closed: a new one starts instead. */
  conversationId: string | null;
  message: TypedMessageInput;
}

export interface Started {
  message: VisitorMessage;
  /** The conversation as this message left it. */
  conversation: VisitorConversation;
  started: boolean;
  /** The visitor as stored now, with its contact. */
  visitor: VisitorRow;
}

type Plan =
  | { kind: "gone" }
  | { kind: "stored"; row: ConversationRow } // its client id started this conversation before
  | { kind: "twin"; of: number } // …earlier in this group
  | { kind: "new"; row: ConversationRow; message: number }
  | { kind: "join"; conversationId: string; message: number };

const CHUNK = 200;

export async function startConversations(
  ctx: Ctx,
  trx: Trx,
  emit: Emit,
  requests: StartRequest[],
): Promise<Outcome<Started>[]> {
  const now = ctx.now();
  const visitors = await lockVisitors(
    ctx,
    trx,
    requests.map((r) => r.visitorId),
  );
  const made = await giveContacts(trx, visitors, now);
  const uniqueIdOf = (r: StartRequest) => conversationUniqueId(r.visitorId, r.clientId);
  const stored = await storedStarts(
    trx,
    requests.filter((r) => visitors.has(r.visitorId)).map((r) => [visitors.get(r.visitorId)!.site_id, uniqueIdOf(r)]),
  );
  const open = await openConversations(trx, [...visitors.values()]);

  const plans: Plan[] = [];
  const fresh: ConversationRow[] = [];
  const messages: MessageRequest[] = [];
  const startedBy = new Map<string, number>(); // uniqueId → plan index
  for (const r of requests) {
    const v = visitors.get(r.visitorId);
    const uniqueId = uniqueIdOf(r);
    const found = v && stored.get(`${v.site_id}\u0000${uniqueId}`);
    const twin = startedBy.get(uniqueId);
    if (!v) plans.push({ kind: "gone" });
    else if (found) plans.push({ kind: "stored", row: found });
    else if (twin !== undefined) plans.push({ kind: "twin", of: twin });
    else {
      const p = visitorPrincipal(v);
      const message = messages.length;
      const openId = open.latest(v);
      if (openId && openId !== r.conversationId) {
        messages.push({
          conversationId: openId,
          input: r.message,
          sender: senderFor(p),
          idempotencyKey: messageKey(r.clientId),
          principal: p,
        });
        plans.push({ kind: "join", conversationId: openId, message });
        open.wrote(v, openId);
        continue;
      }
      const row = newConversationRow(now, {
        site_id: v.site_id,
        contact_id: v.contact_id,
        visitor_id: v.id,
        channel: "widget",
        unique_id: uniqueId,
        visitor_context: v.context,
      });
      fresh.push(row);
      messages.push({ conversationId: row.id, input: r.message, sender: senderFor(p), idempotencyKey: null });
      startedBy.set(uniqueId, plans.length);
      plans.push({ kind: "new", row, message });
      open.wrote(v, row.id);
    }
  }

  for (let i = 0; i < fresh.length; i += CHUNK)
    await trx
      .insertInto("conversations")
      .values(fresh.slice(i, i + CHUNK))
      .execute();
  // Written just now, without tags: their documents and views need only their contacts.
  const contacts = await contactsOf(trx, fresh, made);
  await insertDocuments(
    trx,
    fresh.map((r) => conversationDocument(r, [], contacts.get(r.contact_id!))).filter((d) => d.body.trim()),
  );
  const views = await conversationViews(trx, fresh, [], { contacts: [...contacts.values()], untagged: true });
  fresh.forEach((row, i) =>
    emit({ type: "conversation.created", siteId: row.site_id, conversationId: row.id, conversation: views[i]! }),
  );
  const stores = messages.length ? await insertMessages(ctx, trx, emit, messages) : [];

  const outcomes: Outcome<Started>[] = [];
  for (const [i, plan] of plans.entries())
    outcomes.push(await outcomeOf(trx, plan, requests[i]!, visitors, stores, outcomes));
  return outcomes;
}

async function outcomeOf(
  trx: Trx,
  plan: Plan,
  r: StartRequest,
  visitors: Map<string, VisitorRow>,
  stores: MessageOutcome[],
  before: Outcome<Started>[],
): Promise<Outcome<Started>> {
  const visitor = visitors.get(r.visitorId)!;
  switch (plan.kind) {
    case "gone":
      return { ok: false, error: visitorGone() };
    case "twin": {
      const first = before[plan.of]!;
      return first.ok ? { ok: true, value: { ...first.value, started: false } } : first;
    }
    case "stored": {
      const first = await trx
        .selectFrom("messages")
        .selectAll()
        .where("conversation_id", "=", plan.row.id)
        .where("seq", "=", 1)
        .executeTakeFirstOrThrow();
      const message = visitorMessageOf(first, plan.row);
      return { ok: true, value: { message, conversation: visitorConversation(plan.row), started: false, visitor } };
    }
    default: {
      const store = stores[plan.message]!;
      if (!store.ok) return store;
      const { message, row } = store.value;
      // A message found again by its key: the conversation as it is now.
      const state =
        row ??
        (await trx
          .selectFrom("conversations")
          .selectAll()
          .where("id", "=", store.value.message.conversationId)
          .executeTakeFirstOrThrow());
      const started = plan.kind === "new";
      return {
        ok: true,
        value: {
          message: { ...message, clientId: r.clientId },
          conversation: visitorConversation(state),
          started,
          visitor,
        },
      };
    }
  }
}

/** An anonymous contact for each visitor that has none yet: one INSERT, one UPDATE. Returns them. */
async function giveContacts(trx: Trx, visitors: Map<string, VisitorRow>, now: string): Promise<ContactRow[]> {
  const bare = [...visitors.values()].filter((v) => !v.contact_id);
  if (bare.length === 0) return [];
  const contacts = bare.map((v) => newContactRow(v.site_id, {}, now));
  for (let i = 0; i < contacts.length; i += CHUNK)
    await trx
      .insertInto("contacts")
      .values(contacts.slice(i, i + CHUNK))
      .execute();
  // An anonymous contact has nothing to index: this writes nothing, but keeps the rule in one place.
  for (const contact of contacts) await reindexContact(trx, contact, { conversations: false, fresh: true });
  const pairs = bare.map((v, i) => sql`(cast(${v.id} as text), cast(${contacts[i]!.id} as text))`);
  for (let i = 0; i < pairs.length; i += CHUNK)
    await sql`with v (id, contact_id) as (values ${sql.join(pairs.slice(i, i + CHUNK))})
      update visitors set contact_id = v.contact_id from v where visitors.id = v.id`.execute(trx);
  bare.forEach((v, i) => visitors.set(v.id, { ...v, contact_id: contacts[i]!.id }));
  return contacts;
}

/** The conversations' contacts: those made in this transaction as they are, the others read in one query. */
async function contactsOf(trx: Trx, rows: ConversationRow[], made: ContactRow[]): Promise<Map<string, ContactRow>> {
  const found = new Map(made.map((c) => [c.id, c]));
  const missing = [...new Set(rows.map((r) => r.contact_id!))].filter((id) => !found.has(id));
  for (let i = 0; i < missing.length; i += CHUNK)
    for (const c of await trx
      .selectFrom("contacts")
      .selectAll()
      .where("id", "in", missing.slice(i, i + CHUNK))
      .execute())
      found.set(c.id, c);
  return found;
}

/**
 * Conversations by site and uniqueId, one query per site, keyed `<siteId>\u0000<uniqueId>`
 * (also the sends' batched lookup in visitor-send.ts).
 */
export async function storedStarts(db: Db, keys: [string, string][]): Promise<Map<string, ConversationRow>> {
  const bySite = new Map<string, string[]>();
  for (const [siteId, uniqueId] of keys) bySite.set(siteId, [...(bySite.get(siteId) ?? []), uniqueId]);
  const found = new Map<string, ConversationRow>();
  for (const [siteId, uniqueIds] of bySite) {
    const rows = await db
      .selectFrom("conversations")
      .selectAll()
      .where("site_id", "=", siteId)
      .where("unique_id", "in", uniqueIds)
      .execute();
    for (const row of rows) found.set(`${siteId}\u0000${row.unique_id}`, row);
  }
  return found;
}

/**
 * Each visitor's most recently updated open conversation (its own or its contact's), as
 * latestConversationId finds it, for many visitors in two indexed lookups; `wrote` records a
 * conversation the group writes to, which is then the newest.
 */
async function openConversations(trx: Trx, visitors: VisitorRow[]) {
  type Found = Pick<ConversationRow, "id" | "updated_at" | "site_id" | "visitor_id" | "contact_id">;
  const columns = ["id", "updated_at", "site_id", "visitor_id", "contact_id"] as const;
  const openBy = (column: "visitor_id" | "contact_id", values: string[]): Promise<Found[]> =>
    values.length === 0
      ? Promise.resolve([])
      : trx
          .selectFrom("conversations")
          .select(columns)
          .where(column, "in", values)
          .where("status", "!=", "closed")
          .execute();
  const contactIds = [...new Set(visitors.map((v) => v.contact_id).filter((c): c is string => !!c))];
  const rows = [
    ...(await openBy(
      "visitor_id",
      visitors.map((v) => v.id),
    )),
    ...(await openBy("contact_id", contactIds)),
  ];
  const newer = (a: Found, b: Found) =>
    a.updated_at > b.updated_at || (a.updated_at === b.updated_at && a.id > b.id) ? a : b;
  const written = new Map<string, { id: string; at: number }>(); // "v:"/"c:" + id → conversation
  let writes = 0;
  const keys = (v: VisitorRow) => [`v:${v.id}`, ...(v.contact_id ? [`c:${v.contact_id}`] : [])];
  return {
    latest(v: VisitorRow): string | null {
      const mine = keys(v)
        .map((k) => written.get(k))
        .filter((w) => !!w);
      if (mine.length) return mine.reduce((a, b) => (a.at > b.at ? a : b)).id;
      let best: Found | null = null;
      for (const row of rows)
        if (row.site_id === v.site_id && (row.visitor_id === v.id || (v.contact_id && row.contact_id === v.contact_id)))
          best = best ? newer(row, best) : row;
      return best?.id ?? null;
    },
    wrote(v: VisitorRow, conversationId: string) {
      writes += 1;
      for (const k of keys(v)) written.set(k, { id: conversationId, at: writes });
    },
  };
}
