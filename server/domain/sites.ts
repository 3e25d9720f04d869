import type { PublicSiteConfig, Site, SiteInput, SitePatch } from "../../shared/schemas/index.ts";
import { siteKeyPrefix } from "../../shared/ids.ts";
import { json, write, type Ctx, type Principal } from "./context.ts";
import { authorize, siteScopeOf, type Action } from "./permissions.ts";
import { newId, newSecret } from "./secrets.ts";
import { notFound, ParleyError } from "./errors.ts";
import { siteView } from "./views.ts";
import type { SiteRow } from "../store/tables.ts";
import { prepared } from "../store/prepared.ts";

export async function createSite(
  ctx: Ctx,
  p: Principal,
  input: SiteInput,
  opts: { siteKey?: string; isDefault?: boolean; originsFromEnv?: boolean } = {},
): Promise<Site> {
  authorize(p, "site.create");
  const now = ctx.now();
  const row: SiteRow = {
    id: newId("site"),
    name: input.name,
    site_key: opts.siteKey ?? newSecret(siteKeyPrefix),
    allowed_origins: json.stringify(input.allowedOrigins ?? []),
    theme: json.stringify(input.theme ?? {}),
    greeting: input.greeting ?? null,
    identity_secret: input.identitySecret ?? null,
    is_default: opts.isDefault ? 1 : 0,
    origins_from_env: opts.originsFromEnv ? 1 : 0,
    business_hours: input.businessHours ? json.stringify(input.businessHours) : null,
    away_message: input.awayMessage ?? null,
    reply_time: input.replyTime ?? "minutes",
    assignment: json.stringify(input.assignment ?? { mode: "manual", maxOpen: 5 }),
    visitor_context: json.stringify(input.visitorContext ?? { queryStrings: false }),
    retention_days: input.retentionDays ?? null,
    created_at: now,
    updated_at: now,
  };
  await write(ctx, async (trx, emit) => {
    await trx.insertInto("sites").values(row).execute();
    emit({ type: "site.created", siteId: row.id });
  });
  return siteView(row);
}

export async function listSites(ctx: Ctx, p: Principal): Promise<Site[]> {
  authorize(p, "site.read");
  const scope = siteScopeOf(p);
  let q = ctx.db.selectFrom("sites").selectAll().orderBy("created_at").orderBy("id");
  if (scope) q = q.where("id", "=", scope);
  return (await q.execute()).map(siteView);
}

/** The site if this principal may do `action` to it; 404 for another site's (a site-scoped caller). */
export async function siteRow(ctx: Ctx, p: Principal, id: string, action: Action = "site.read"): Promise<SiteRow> {
  authorize(p, action);
  const row = await ctx.db.selectFrom("sites").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound("Site");
  authorize(p, action, { siteId: row.id }, "Site");
  return row;
}

export async function getSite(ctx: Ctx, p: Principal, id: string): Promise<Site> {
  return siteView(await siteRow(ctx, p, id));
}

export async function updateSite(ctx: Ctx, p: Principal, id: string, patch: SitePatch): Promise<Site> {
  const row = await siteRow(ctx, p, id, "site.update");
  const next: SiteRow = {
    ...row,
    name: patch.name ?? row.name,
    allowed_origins: patch.allowedOrigins !== undefined ? json.stringify(patch.allowedOrigins) : row.allowed_origins,
    // Origins set through the API are the admin's: a restart without PARLEY_ALLOWED_ORIGINS keeps them.
    origins_from_env: patch.allowedOrigins !== undefined ? 0 : row.origins_from_env,
    theme: patch.theme !== undefined ? json.stringify(patch.theme) : row.theme,
    greeting: patch.greeting !== undefined ? patch.greeting : row.greeting,
    identity_secret: patch.identitySecret !== undefined ? patch.identitySecret : row.identity_secret,
    business_hours:
      patch.businessHours !== undefined
        ? patch.businessHours && json.stringify(patch.businessHours)
        : row.business_hours,
    away_message: patch.awayMessage !== undefined ? patch.awayMessage : row.away_message,
    reply_time: patch.replyTime ?? row.reply_time,
    assignment: patch.assignment !== undefined ? json.stringify(patch.assignment) : row.assignment,
    visitor_context: patch.visitorContext !== undefined ? json.stringify(patch.visitorContext) : row.visitor_context,
    retention_days: patch.retentionDays !== undefined ? patch.retentionDays : row.retention_days,
    updated_at: ctx.now(),
  };
  await write(ctx, async (trx, emit) => {
    await trx
      .updateTable("sites")
      .set({
        name: next.name,
        allowed_origins: next.allowed_origins,
        origins_from_env: next.origins_from_env,
        theme: next.theme,
        greeting: next.greeting,
        identity_secret: next.identity_secret,
        business_hours: next.business_hours,
        away_message: next.away_message,
        reply_time: next.reply_time,
        assignment: next.assignment,
        visitor_context: next.visitor_context,
        retention_days: next.retention_days,
        updated_at: next.updated_at,
      })
      .where("id", "=", id)
      .execute();
    emit({ type: "site.updated", siteId: id });
  });
  return siteView(next);
}

const defaultSite = prepared<Record<string, never>, SiteRow>((db) =>
  db.selectFrom("sites").selectAll().where("is_default", "=", 1),
);

export async function defaultSiteRow(ctx: Ctx): Promise<SiteRow | undefined> {
  return (await defaultSite.execute(ctx.db, {}))[0];
}

export async function siteByKey(ctx: Ctx, siteKey: string): Promise<SiteRow | undefined> {
  return ctx.db.selectFrom("sites").selectAll().where("site_key", "=", siteKey).executeTakeFirst();
}

/** Which site a write lands on: the one asked for, else the token's, else the default site. */
export async function resolveSiteId(ctx: Ctx, p: Principal, asked: string | undefined): Promise<string> {
  if (asked) return (await siteRow(ctx, p, asked)).id;
  const scope = siteScopeOf(p);
  if (scope) return scope;
  const site = await defaultSiteRow(ctx);
  if (!site)
    throw new ParleyError("validation_failed", "No default site: give siteId", [
      { path: "siteId", message: "required" },
    ]);
  return site.id;
}

/** Is a page on `origin` allowed to embed this site? An empty list allows any origin. */
function originAllowed(site: SiteRow, origin: string): boolean {
  const allowed = json.parse<string[]>(site.allowed_origins, []);
  if (allowed.length === 0) return true;
  return allowed.some((a) => a.toLowerCase() === origin.toLowerCase());
}

/**
 * The widget's origin check, the one used by the visitor socket's handshake, the widget
 * configuration and the REST routes that take visitors: 403 unless a page on `origin` may embed
 * the site. Browsers always send Origin across origins; a request without one is same-origin or
 * not from a page, and passes.
 */
export function assertEmbeddable(site: SiteRow, origin: string | undefined): void {
  if (origin !== undefined && !originAllowed(site, origin))
    throw new ParleyError("forbidden", `This site may not be embedded on ${origin}`);
}

/** The site a widget names by its public key (404 when unknown), if a page on `origin` may embed it (else 403). */
export async function embeddedSite(ctx: Ctx, siteKey: string, origin: string | undefined): Promise<SiteRow> {
  const site = await siteByKey(ctx, siteKey);
  if (!site) throw new ParleyError("not_found", "Unknown site key");
  assertEmbeddable(site, origin);
  return site;
}

/** What the widget may read about its site; `available` from domain/availability.ts siteAvailability. */
export function publicSiteConfig(site: SiteRow, available: boolean, transcript = false): PublicSiteConfig {
  const view = siteView(site);
  return {
    siteKey: view.siteKey,
    theme: view.theme,
    greeting: view.greeting,
    name: view.name,
    identityRequired: false,
    available,
    awayMessage: view.awayMessage,
    replyTime: view.replyTime,
    transcript,
  };
}

/**
 * First start: the default site exists, with the pinned key when PARLEY_SITE_KEY is set and the
 * pinned allowed origins when PARLEY_ALLOWED_ORIGINS is set.
 */
export async function ensureDefaultSite(
  ctx: Ctx,
  opts: { siteKey?: string; allowedOrigins?: string[] },
): Promise<SiteRow> {
  const existing = await defaultSiteRow(ctx);
  if (existing) {
    const set: Partial<SiteRow> = {};
    if (opts.siteKey && existing.site_key !== opts.siteKey) set.site_key = opts.siteKey;
    if (opts.allowedOrigins) {
      set.allowed_origins = json.stringify(opts.allowedOrigins);
      set.origins_from_env = 1;
    } else if (existing.origins_from_env) {
      // The variable is gone: its origins go with it (unset means any origin), but origins an
      // admin set through the API stay.
      set.allowed_origins = json.stringify([]);
      set.origins_from_env = 0;
    }
    const changed = (Object.keys(set) as (keyof SiteRow)[]).filter((k) => set[k] !== existing[k]);
    if (changed.length) {
      await ctx.db
        .updateTable("sites")
        .set({ ...set, updated_at: ctx.now() })
        .where("id", "=", existing.id)
        .execute();
      return { ...existing, ...set };
    }
    return existing;
  }
  await createSite(
    ctx,
    { kind: "system" },
    { name: "Default site", allowedOrigins: opts.allowedOrigins ?? [], greeting: "Hi! How can we help?" },
    { siteKey: opts.siteKey, isDefault: true, originsFromEnv: !!opts.allowedOrigins },
  );
  return (await defaultSiteRow(ctx))!;
}
