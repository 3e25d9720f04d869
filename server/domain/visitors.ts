import { visitorTokenPrefix } from "../../shared/ids.ts";
import {
  resyncPageSize,
  type VisitorConversation,
  type VisitorMessage,
  type VisitorUser,
} from "../../shared/protocol.ts";
import { write, type Ctx, type Db, type Principal, type Trx } from "./context.ts";
import { hashToken, hmacHex, newId, newSecret, safeEqualHex } from "./secrets.ts";
import { notFound, ParleyError } from "./errors.ts";
import { writeGrouped } from "./write-group.ts";
import { visitorMessageOf } from "./visitor-messages.ts";
import { BatchedLookup, perOwner } from "../store/batched-lookup.ts";
import { prepared } from "../store/prepared.ts";
import { applyContactInput, upsertContact } from "./contacts.ts";
import { conversationRow } from "./conversations.ts";
import type { ContactRow, ConversationRow, SiteRow, VisitorRow } from "../store/tables.ts";
import { reindexContact } from "../store/search-sources.ts";
import { ratingOf } from "./ratings.ts";

/**
 * Visitors: the people behind widgets. A visitor is known by an opaque token (`vt_…`, stored
 * only hashed) that the widget keeps; identification links it to a contact. Everything a
 * visitor does acts as `{ kind: "visitor" }`, so the rules in conversations.ts decide what it
 * may see (its own conversations, and its contact's).
 */

export function visitorPrincipal(v: VisitorRow): Extract<Principal, { kind: "visitor" }> {
  return { kind: "visitor", visitorId: v.id, siteId: v.site_id, contactId: v.contact_id };
}

async function issueVisitor(ctx: Ctx, siteId: string): Promise<{ visitor: VisitorRow; token: string }> {
  const token = newSecret(visitorTokenPrefix);
  const now = ctx.now();
  const visitor: VisitorRow = {
    id: newId("visitor"),
    site_id: siteId,
    token_hash: hashToken(token),
    contact_id: null,
    created_at: now,
    last_seen_at: now,
    context: null,
  };
  await write(ctx, (trx) => trx.insertInto("visitors").values(visitor).execute());
  return { visitor, token };
}

/** The visitor behind `token` on this site, or null. */
export async function authenticateVisitor(
  ctx: Ctx,
  siteId: string,
  token: string | undefined,
): Promise<VisitorRow | null> {
  if (!token || !token.startsWith(visitorTokenPrefix) || token.length > 200) return null;
  const row = await ctx.db
    .selectFrom("visitors")
    .selectAll()
    .where("token_hash", "=", hashToken(token))
    .executeTakeFirst();
  return row && row.site_id === siteId ? row : null;
}

/**
 * A widget connects: the visitor of its token, or a new visitor (with a new token) when it
 * has none or one this site does not know.
 */
export async function connectVisitor(
  ctx: Ctx,
  site: SiteRow,
  token: string | undefined,
): Promise<{ visitor: VisitorRow; token: string; issued: boolean }> {
  const known = await authenticateVisitor(ctx, site.id, token);
  if (!known) return { ...(await issueVisitor(ctx, site.id)), issued: true };
  const now = ctx.now();
  if (Date.parse(now) - Date.parse(known.last_seen_at) > 60_000) {
    await ctx.db.updateTable("visitors").set({ last_seen_at: now }).where("id", "=", known.id).execute();
  }
  return { visitor: { ...known, last_seen_at: now }, token: token!, issued: false };
}

/** Is `hash` the site's HMAC-SHA256 of `id`? Always false when the site has no secret. */
export function identityVerified(site: SiteRow, id: string, hash: string | undefined): boolean {
  if (!site.identity_secret || !hash) return false;
  return safeEqualHex(hmacHex(site.identity_secret, id), hash.trim().toLowerCase());
}

export interface Identified {
  visitor: VisitorRow;
  /** Set when identifying as another user than the visitor's switched to a new visitor. */
  token?: string;
}

/**
 * Identifies a visitor as `user`. With an `id`: on a site with an identity secret, `hash` must
 * be HMAC-SHA256(secret, id) or nothing happens (403 forbidden: the visitor stays anonymous);
 * the contact with that externalId is created or updated and the visitor linked to it, with
 * the visitor's earlier conversations. A visitor already identified as someone else gets a
 * fresh visitor, so that a shared browser never shows one user another's conversations.
 * Without an `id`: name, email and phone go on the visitor's own contact.
 */
export async function identifyVisitor(
  ctx: Ctx,
  site: SiteRow,
  visitor: VisitorRow,
  user: VisitorUser,
): Promise<Identified> {
  const details = { name: user.name, email: user.email, phone: user.phone };
  const id = user.id?.trim();
  if (user.id !== undefined && !id)
    throw new ParleyError("validation_failed", "Request validation failed", [
      { path: "id", message: "must not be blank" },
    ]);
  if (id && site.identity_secret && !identityVerified(site, id, user.hash)) {
    throw new ParleyError(
      "forbidden",
      "Identity not verified: user.hash must be the hex HMAC-SHA256 of user.id with the site's identity secret",
    );
  }
  let result: Identified = { visitor };
  if (id && visitor.contact_id) {
    const current = await ctx.db
      .selectFrom("contacts")
      .select("external_id")
      .where("id", "=", visitor.contact_id)
      .executeTakeFirst();
    if (current?.external_id && current.external_id !== id) {
      const fresh = await issueVisitor(ctx, site.id);
      result = { visitor: fresh.visitor, token: fresh.token };
    }
  }
  const v = result.visitor;
  const linked = await write(ctx, async (trx, emit) => {
    const now = ctx.now();
    const current = v.contact_id
      ? await trx.selectFrom("contacts").selectAll().where("id", "=", v.contact_id).executeTakeFirst()
      : undefined;
    let contact: ContactRow;
    if (id) {
      const target = await trx
        .selectFrom("contacts")
        .selectAll()
        .where("site_id", "=", site.id)
        .where("external_id", "=", id)
        .executeTakeFirst();
      if (target) contact = await applyContactInput(trx, emit, target, details, now);
      else if (current && !current.external_id)
        contact = await applyContactInput(trx, emit, current, { ...details, externalId: id }, now);
      else contact = await upsertContact(trx, emit, site.id, { ...details, externalId: id }, now);
    } else {
      contact = current
        ? await applyContactInput(trx, emit, current, details, now)
        : await upsertContact(trx, emit, site.id, details, now);
    }
    if (contact.id !== v.contact_id) {
      await trx.updateTable("visitors").set({ contact_id: contact.id }).where("id", "=", v.id).execute();
      // The visitor's conversations so far belong to whom it turned out to be.
      let move = trx.updateTable("conversations").set({ contact_id: contact.id }).where("visitor_id", "=", v.id);
      move = v.contact_id
        ? move.where((eb) => eb.or([eb("contact_id", "is", null), eb("contact_id", "=", v.contact_id)]))
        : move.where("contact_id", "is", null);
      await move.execute();
      await reindexContact(trx, contact);
    }
    return contact.id;
  });
  return { ...result, visitor: { ...v, contact_id: linked } };
}

const visitorsById = prepared<{ ids: string[] }, VisitorRow>((db, b) =>
  db
    .selectFrom("visitors")
    .selectAll()
    .where(b.oneOf("id", "ids", "text")),
);

/** Visitors by id: the sends that arrive together read theirs in one query. */
const visitorLookup = perOwner(
  (ctx: Ctx) =>
    new BatchedLookup<string, VisitorRow>(async (ids) => {
      const rows = await visitorsById.execute(ctx.db, { ids });
      return new Map(rows.map((r) => [r.id, r]));
    }),
);

/** The visitor as stored now (the sends that arrive together read theirs in one query). */
export async function currentVisitor(ctx: Ctx, visitorId: string): Promise<VisitorRow> {
  const visitor = await visitorLookup(ctx).load(visitorId);
  if (!visitor) throw visitorGone();
  return visitor;
}

export const visitorGone = () =>
  new ParleyError("unauthorized", "This visitor no longer exists: reconnect without its token");

/**
 * The visitor as stored now (its contact may have been linked by another tab, or erased), with
 * an (anonymous) contact to write as when it has none yet.
 */
export async function ensureVisitorContact(ctx: Ctx, cached: VisitorRow): Promise<VisitorRow> {
  const visitor = await currentVisitor(ctx, cached.id);
  if (visitor.contact_id) return visitor;
  const contactId = await writeGrouped(ctx, async (trx, emit) => {
    // Two tabs making the visitor's first contact at once make one.
    const fresh = (await lockVisitors(ctx, trx, [visitor.id])).get(visitor.id);
    if (fresh?.contact_id) return fresh.contact_id;
    const contact = await upsertContact(trx, emit, visitor.site_id, {}, ctx.now());
    await trx.updateTable("visitors").set({ contact_id: contact.id }).where("id", "=", visitor.id).execute();
    return contact.id;
  });
  return { ...visitor, contact_id: contactId };
}

export function visitorConversation(row: ConversationRow): VisitorConversation {
  return {
    id: row.id,
    status: row.status as VisitorConversation["status"],
    lastSeq: Number(row.last_seq),
    readUpTo: { contact: Number(row.read_contact), agent: Number(row.read_agent) },
    rating: ratingOf(row),
  };
}

/** What came after `afterSeq`, ascending, one page at a time. */
export async function resyncConversation(ctx: Ctx, p: Principal, conversationId: string, afterSeq: number) {
  const conversation = await conversationRow(ctx.db, p, conversationId);
  const rows = await ctx.db
    .selectFrom("messages")
    .selectAll()
    .where("conversation_id", "=", conversationId)
    .where("seq", ">", afterSeq)
    .orderBy("seq", "asc")
    .limit(resyncPageSize + 1)
    .execute();
  const hasMore = rows.length > resyncPageSize;
  return {
    conversation: visitorConversation(conversation),
    messages: rows.slice(0, resyncPageSize).map((r) => visitorMessageOf(r, conversation)),
    hasMore,
  };
}

/** One message of a conversation the visitor may see (a widget that missed a streamed delta asks for it). */
export async function visitorMessage(ctx: Ctx, p: Principal, messageId: string): Promise<VisitorMessage> {
  const row = await ctx.db.selectFrom("messages").selectAll().where("id", "=", messageId).executeTakeFirst();
  if (!row) throw notFound("Message");
  const conversation = await conversationRow(ctx.db, p, row.conversation_id).catch(() => {
    throw notFound("Message");
  });
  return visitorMessageOf(row, conversation);
}

/** The visitor's most recently updated conversation (its own or its contact's), to resume. */
export async function latestConversationId(
  db: Db,
  p: Extract<Principal, { kind: "visitor" }>,
  openOnly = false,
): Promise<string | null> {
  // One indexed lookup per column, the newer one wins: with an OR of the two (or with the site in
  // the lookup) SQLite walks the site's conversations by updated_at instead — all of them, for a
  // visitor who has none open. A visitor's and a contact's conversations are all on its site;
  // the site is checked on the result.
  const latestBy = (column: "visitor_id" | "contact_id", value: string) => {
    let q = db.selectFrom("conversations").select(["id", "updated_at", "site_id"]).where(column, "=", value);
    if (openOnly) q = q.where("status", "!=", "closed");
    return db.selectFrom(q.orderBy("updated_at", "desc").orderBy("id", "desc").limit(1).as(column)).selectAll();
  };
  const byVisitor = latestBy("visitor_id", p.visitorId);
  const either = p.contactId ? byVisitor.unionAll(latestBy("contact_id", p.contactId)) : byVisitor;
  const row = await db
    .selectFrom(either.as("latest"))
    .select("id")
    .where("site_id", "=", p.siteId)
    .orderBy("updated_at", "desc")
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}

/**
 * Locks the visitors' rows until the transaction ends and reads them, so that whatever decides
 * from a visitor's state (its contact, its open conversation) runs one at a time per visitor, on
 * every node. PostgreSQL: SELECT … FOR UPDATE, in id order (two groups never deadlock). SQLite:
 * a write to the rows takes the database's one write lock at once (as BEGIN IMMEDIATE would)
 * instead of on the transaction's first insert. A visitor no longer stored is absent.
 */
export async function lockVisitors(ctx: Ctx, trx: Trx, ids: string[]): Promise<Map<string, VisitorRow>> {
  const sorted = [...new Set(ids)].sort();
  const rows =
    ctx.dialect === "postgres"
      ? await trx.selectFrom("visitors").selectAll().where("id", "in", sorted).orderBy("id").forUpdate().execute()
      : await trx
          .updateTable("visitors")
          .set((eb) => ({ last_seen_at: eb.ref("last_seen_at") }))
          .where("id", "in", sorted)
          .returningAll()
          .execute();
  return new Map(rows.map((r) => [r.id, r]));
}
