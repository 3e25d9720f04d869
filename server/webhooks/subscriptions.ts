import type { z } from "zod";
import type { CreatedWebhook, Webhook, WebhookEventType, WebhookInput } from "../../shared/schemas/index.ts";
import { json, write, type Ctx, type Principal } from "../domain/context.ts";
import { authorize, siteScopeOf } from "../domain/permissions.ts";
import { invalid, notFound } from "../domain/errors.ts";
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
  // A site-scoped token subscribes to its own site only: another site's is 404, as if unknown.
  const siteId = input.siteId ?? siteScopeOf(p);
  authorize(p, "webhook.write", { siteId }, "Site");
  if (siteId) await siteRow(ctx, p, siteId, "webhook.write");
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
  authorize(p, "webhook.read");
  const scope = siteScopeOf(p);
  let q = ctx.db.selectFrom("webhooks").selectAll().orderBy("created_at").orderBy("id");
  if (scope) q = q.where("site_id", "=", scope);
  return (await q.execute()).map(webhookView);
}

/** The subscription if this principal may do `action` to it; 404 otherwise (also for another site's). */
export async function webhookRow(
  ctx: Ctx,
  p: Principal,
  id: string,
  action: "webhook.read" | "webhook.write",
): Promise<WebhooksTable> {
  authorize(p, action);
  const row = await ctx.db.selectFrom("webhooks").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) throw notFound("Webhook");
  authorize(p, action, { siteId: row.site_id }, "Webhook");
  return row;
}

export async function getWebhook(ctx: Ctx, p: Principal, id: string): Promise<Webhook> {
  return webhookView(await webhookRow(ctx, p, id, "webhook.read"));
}

/** Deletes the subscription with its pending and past deliveries. */
export async function deleteWebhook(ctx: Ctx, p: Principal, id: string): Promise<void> {
  await webhookRow(ctx, p, id, "webhook.write");
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
