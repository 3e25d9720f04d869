import type { z } from "zod";
import type { CreatedWebhook, Webhook, WebhookEventType, WebhookInput } from "../../shared/schemas/index.ts";
import { json, siteScope, write, type Ctx, type Principal } from "../domain/context.ts";
import { invalid, notFound, ParleyError } from "../domain/errors.ts";
import { newId, newSecret } from "../domain/secrets.ts";
import { siteRow } from "../domain/sites.ts";
import type { WebhooksTable } from "../store/tables.ts";
import { targetProblem } from "./ssrf-guard.ts";

export const webhookSecretPrefix = "whsec_";

/**
 * Webhook subscriptions. A site-scoped token subscribes to (and sees) its own site's events;
 * an admin token or agent may subscribe to one site or, with no siteId, to every site.
 */
export async function createWebhook(
  ctx: Ctx,
  p: Principal,
  input: WebhookInput,
  opts: { allowPrivate: boolean },
): Promise<z.infer<typeof CreatedWebhook>> {
  if (p.kind === "visitor") throw new ParleyError("forbidden", "Not allowed");
  const scope = siteScope(p);
  if (scope && input.siteId && input.siteId !== scope)
    throw new ParleyError("forbidden", "A site-scoped token can only subscribe to its own site");
  const siteId = input.siteId ?? scope ?? null;
  if (siteId) await siteRow(ctx, p, siteId);
  const problem = await targetProblem(input.url, opts.allowPrivate);
  if (problem) throw invalid("url", problem.message);
  const secret = newSecret(webhookSecretPrefix);
  const row: WebhooksTable = {
    id: newId("webhook"),
    site_id: siteId,
    url: input.url,
    events: json.stringify([...new Set(input.events)]),
    secret,
    created_at: ctx.now(),
  };
  await write(ctx, (trx) => trx.insertInto("webhooks").values(row).execute());
  return { ...webhookView(row), secret };
}

export async function listWebhooks(ctx: Ctx, p: Principal): Promise<Webhook[]> {
  if (p.kind === "visitor") throw new ParleyError("forbidden", "Not allowed");
  const scope = siteScope(p);
  let q = ctx.db.selectFrom("webhooks").selectAll().orderBy("created_at").orderBy("id");
  if (scope) q = q.where("site_id", "=", scope);
  return (await q.execute()).map(webhookView);
}

/** The subscription if this principal may manage it; 404 otherwise (also for another site's). */
export async function webhookRow(ctx: Ctx, p: Principal, id: string): Promise<WebhooksTable> {
  const row = await ctx.db.selectFrom("webhooks").selectAll().where("id", "=", id).executeTakeFirst();
  const scope = siteScope(p);
  if (!row || p.kind === "visitor" || (scope && row.site_id !== scope)) throw notFound("Webhook");
  return row;
}

export async function getWebhook(ctx: Ctx, p: Principal, id: string): Promise<Webhook> {
  return webhookView(await webhookRow(ctx, p, id));
}

/** Deletes the subscription with its pending and past deliveries. */
export async function deleteWebhook(ctx: Ctx, p: Principal, id: string): Promise<void> {
  await webhookRow(ctx, p, id);
  await write(ctx, async (trx) => {
    await trx.deleteFrom("webhook_deliveries").where("webhook_id", "=", id).execute();
    await trx.deleteFrom("webhooks").where("id", "=", id).execute();
  });
}

export function webhookView(row: WebhooksTable): Webhook {
  return {
    id: row.id,
    siteId: row.site_id,
    url: row.url,
    events: json.parse<WebhookEventType[]>(row.events, []),
    createdAt: row.created_at,
  };
}
