import type { z } from "zod";
import type { DeliveriesQuery, DeliveryPage, WebhookDelivery } from "../../shared/schemas/index.ts";
import { json, type Ctx, type Principal } from "../domain/context.ts";
import { notFound, ParleyError } from "../domain/errors.ts";
import { webhookRow } from "./subscriptions.ts";

/** What the API shows of a subscription's deliveries: the recent attempts, newest first. */
export async function listDeliveries(
  ctx: Ctx,
  p: Principal,
  webhookId: string,
  query: DeliveriesQuery,
): Promise<z.infer<typeof DeliveryPage>> {
  await webhookRow(ctx, p, webhookId, "webhook.read");
  let q = selectDeliveries(ctx)
    .where("d.webhook_id", "=", webhookId)
    .orderBy("d.position", "desc")
    .limit(query.limit + 1);
  if (query.state) q = q.where("d.state", "=", query.state);
  if (query.cursor) q = q.where("d.position", "<", Number(query.cursor));
  const rows = await q.execute();
  const hasMore = rows.length > query.limit;
  const page = rows.slice(0, query.limit);
  return { items: page.map(deliveryView), hasMore, nextCursor: hasMore ? String(page.at(-1)!.position) : null };
}

/**
 * Sends a failed delivery again now: one whose retries ran out (with a fresh retry window), or one
 * still waiting out its backoff after a failed attempt. A delivered one, one not tried yet and one
 * being posted right now cannot be retried (409).
 */
export async function retryDelivery(
  ctx: Ctx,
  p: Principal,
  webhookId: string,
  deliveryId: string,
): Promise<WebhookDelivery> {
  await webhookRow(ctx, p, webhookId, "webhook.write");
  const row = await ctx.db
    .selectFrom("webhook_deliveries")
    .select(["state", "attempts", "lease_id"])
    .where("id", "=", deliveryId)
    .where("webhook_id", "=", webhookId)
    .executeTakeFirst();
  if (!row) throw notFound("Delivery");
  if (row.state === "delivered")
    throw new ParleyError("conflict", "This delivery was delivered: there is nothing to retry");
  if (row.state === "pending" && Number(row.attempts) === 0)
    throw new ParleyError("conflict", "This delivery has not been tried yet: it goes out as soon as it is due");
  if (row.state === "pending" && row.lease_id !== null)
    throw new ParleyError("conflict", "This delivery is being sent right now");
  const now = ctx.now();
  let q = ctx.db.updateTable("webhook_deliveries").where("id", "=", deliveryId);
  q =
    row.state === "failed"
      ? q
          .set({ state: "pending", next_attempt_at: now, first_attempt_at: null, lease_id: null })
          .where("state", "=", "failed")
      : q
          .set({ next_attempt_at: now })
          .where("state", "=", "pending")
          .where("lease_id", "is", null)
          .where("attempts", "=", Number(row.attempts));
  const result = await q.executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0)
    throw new ParleyError("conflict", "The delivery changed meanwhile; try again");
  return deliveryView(await selectDeliveries(ctx).where("d.id", "=", deliveryId).executeTakeFirstOrThrow());
}

function selectDeliveries(ctx: Ctx) {
  return ctx.db
    .selectFrom("webhook_deliveries as d")
    .innerJoin("webhook_events as ev", "ev.id", "d.event_id")
    .select([
      "d.position",
      "d.id",
      "d.webhook_id",
      "d.state",
      "d.attempts",
      "d.last_status",
      "d.last_error",
      "d.next_attempt_at",
      "d.last_attempt_at",
      "d.delivered_at",
      "d.created_at",
      "ev.id as event_id",
      "ev.type as event_type",
      "ev.created_at as event_created_at",
      "ev.data as event_data",
    ]);
}

type DeliveryRow = Awaited<ReturnType<ReturnType<typeof selectDeliveries>["executeTakeFirstOrThrow"]>>;

function deliveryView(r: DeliveryRow): WebhookDelivery {
  return {
    id: r.id,
    webhookId: r.webhook_id,
    state: r.state as WebhookDelivery["state"],
    attempts: Number(r.attempts),
    statusCode: r.last_status === null ? null : Number(r.last_status),
    error: r.last_error,
    nextAttemptAt: r.state === "pending" ? r.next_attempt_at : null,
    lastAttemptAt: r.last_attempt_at,
    deliveredAt: r.delivered_at,
    createdAt: r.created_at,
    event: {
      id: r.event_id,
      type: r.event_type,
      createdAt: r.event_created_at,
      data: json.parse(r.event_data, {}),
    } as WebhookDelivery["event"],
  };
}
