import type { Contact, ContactInput } from "../../shared/schemas/index.ts";
import { json, write, type Ctx, type Db, type Emit, type Principal, type Trx } from "./context.ts";
import { authorize, type Action } from "./permissions.ts";
import { newId } from "./secrets.ts";
import { notFound, ParleyError } from "./errors.ts";
import { contactView } from "./views.ts";
import type { ContactRow } from "../store/tables.ts";
import { reindexContact } from "../store/search-sources.ts";
import { preparedInsert } from "../store/prepared.ts";

/** The contact if this principal may do `action` to it; 404 for another site's (or another visitor's). */
export async function contactRow(
  db: Db,
  p: Principal,
  id: string,
  action: Action = "contact.read",
): Promise<ContactRow> {
  authorize(p, action, undefined, "Contact");
  const row = await db.selectFrom("contacts").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound("Contact");
  authorize(p, action, { siteId: row.site_id, contactId: row.id }, "Contact");
  return row;
}

export async function getContact(ctx: Ctx, p: Principal, id: string): Promise<Contact> {
  return contactView(await contactRow(ctx.db, p, id));
}

function normalise(input: ContactInput) {
  return {
    name: input.name === undefined ? undefined : input.name?.trim() || null,
    email: input.email === undefined ? undefined : input.email?.trim().toLowerCase() || null,
    phone: input.phone === undefined ? undefined : input.phone ? normalisePhone(input.phone) || null : null,
    external_id: input.externalId === undefined ? undefined : input.externalId || null,
  };
}

/** Applies `input` to the contact inside the caller's transaction; tells `contact.updated` when something changed. */
export async function applyContactInput(
  trx: Trx,
  emit: Emit,
  row: ContactRow,
  input: ContactInput,
  now: string,
): Promise<ContactRow> {
  const n = normalise(input);
  const next: ContactRow = {
    ...row,
    name: n.name !== undefined ? n.name : row.name,
    email: n.email !== undefined ? n.email : row.email,
    phone: n.phone !== undefined ? n.phone : row.phone,
    external_id: n.external_id !== undefined ? n.external_id : row.external_id,
    metadata:
      input.metadata !== undefined
        ? json.stringify({ ...json.parse(row.metadata, {}), ...input.metadata })
        : row.metadata,
  };
  const changed = (["name", "email", "phone", "external_id", "metadata"] as const).some((k) => next[k] !== row[k]);
  if (!changed) return row;
  next.updated_at = now;
  if (next.external_id && next.external_id !== row.external_id) {
    const clash = await trx
      .selectFrom("contacts")
      .select("id")
      .where("site_id", "=", row.site_id)
      .where("external_id", "=", next.external_id)
      .executeTakeFirst();
    if (clash)
      throw new ParleyError("conflict", "Another contact has this externalId", [
        { path: "externalId", message: "already taken" },
      ]);
  }
  await trx
    .updateTable("contacts")
    .set({
      name: next.name,
      email: next.email,
      phone: next.phone,
      external_id: next.external_id,
      metadata: next.metadata,
      updated_at: now,
    })
    .where("id", "=", row.id)
    .execute();
  if ((["name", "email", "phone", "external_id"] as const).some((k) => next[k] !== row[k]))
    await reindexContact(trx, next);
  emit({ type: "contact.updated", siteId: row.site_id, contact: contactView(next) });
  return next;
}

export async function patchContact(ctx: Ctx, p: Principal, id: string, input: ContactInput): Promise<Contact> {
  return write(ctx, async (trx, emit) => {
    const row = await contactRow(trx, p, id, "contact.update");
    return contactView(await applyContactInput(trx, emit, row, input, ctx.now()));
  });
}

/**
 * The contact a new conversation belongs to: found by externalId (and updated with what else
 * was given), or created.
 */
export async function upsertContact(
  trx: Trx,
  emit: Emit,
  siteId: string,
  input: ContactInput,
  now: string,
): Promise<ContactRow> {
  const n = normalise(input);
  if (n.external_id) {
    const existing = await trx
      .selectFrom("contacts")
      .selectAll()
      .where("site_id", "=", siteId)
      .where("external_id", "=", n.external_id)
      .executeTakeFirst();
    if (existing) return applyContactInput(trx, emit, existing, input, now);
  }
  const row = newContactRow(siteId, input, now);
  await contactInsert.execute(trx, row);
  await reindexContact(trx, row, { conversations: false, fresh: true });
  return row;
}

const contactInsert = preparedInsert("contacts", {
  id: true,
  site_id: true,
  external_id: true,
  name: true,
  email: true,
  phone: true,
  metadata: true,
  created_at: true,
  updated_at: true,
});

/** A contact not stored yet, made of `input` (nothing given: an anonymous contact). */
export function newContactRow(siteId: string, input: ContactInput, now: string): ContactRow {
  const n = normalise(input);
  return {
    id: newId("contact"),
    site_id: siteId,
    external_id: n.external_id ?? null,
    name: n.name ?? null,
    email: n.email ?? null,
    phone: n.phone ?? null,
    metadata: json.stringify(input.metadata ?? {}),
    created_at: now,
    updated_at: now,
  };
}

/** Digits and a leading +, so that "+46 70-123 45 67" and "+46701234567" match. */
export function normalisePhone(phone: string): string {
  const trimmed = phone.trim();
  return (trimmed.startsWith("+") ? "+" : "") + trimmed.replace(/\D/g, "");
}
