import { Router } from "express";
import { z } from "zod";
import {
  CreatedWebhook,
  DeliveriesQuery,
  DeliveryPage,
  Webhook,
  WebhookDelivery,
  WebhookInput,
} from "../../../shared/schemas/index.ts";
import type { Ctx } from "../../domain/context.ts";
import * as subscriptions from "../../webhooks/subscriptions.ts";
import * as deliveries from "../../webhooks/deliveries.ts";
import { define } from "../route.ts";
import { errorResponses } from "./common.ts";

const IdParam = z.object({ id: z.string() });
const DeliveryParams = z.object({ id: z.string(), deliveryId: z.string() });

/** Webhook subscriptions and their deliveries (CONTRACT §4). */
export function webhookRoutes(
  ctx: Ctx,
  opts: { allowPrivate: boolean; /** A delivery is due now: tell the dispatcher. */ wake: () => void },
): Router {
  const r = Router();

  define(
    r,
    {
      method: "get",
      path: "/v1/webhooks",
      action: "webhook.read",
      tag: "Webhooks",
      summary: "List webhook subscriptions (never their secrets)",
      responses: {
        200: { description: "Subscriptions", schema: z.object({ items: z.array(Webhook) }) },
        ...errorResponses,
      },
    },
    async ({ principal }) => ({
      status: 200,
      body: { items: await subscriptions.listWebhooks(ctx, principal) },
    }),
  );

  define(
    r,
    {
      method: "post",
      path: "/v1/webhooks",
      action: "webhook.write",
      tag: "Webhooks",
      summary: "Subscribe a URL to events; the signing secret is shown once",
      description:
        'Each event is POSTed as `{ id, type, createdAt, data }` (see WebhookEvent for every type\'s `data`) with `Parley-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. Delivery is at least once: a non-2xx answer or a timeout (10 s) is retried with exponential backoff for at least 24 hours; receivers de-duplicate by `id`. Events of one conversation arrive in order. The url must be http(s) on a public address.',
      body: WebhookInput,
      responses: {
        201: { description: "Created; secret is shown only here", schema: CreatedWebhook },
        ...errorResponses,
      },
    },
    async ({ body, principal }) => ({
      status: 201,
      body: await subscriptions.createWebhook(ctx, principal, body, { allowPrivate: opts.allowPrivate }),
    }),
  );

  define(
    r,
    {
      method: "get",
      path: "/v1/webhooks/:id",
      action: "webhook.read",
      tag: "Webhooks",
      summary: "Get a webhook subscription",
      params: IdParam,
      responses: { 200: { description: "The subscription", schema: Webhook }, ...errorResponses },
    },
    async ({ params, principal }) => ({
      status: 200,
      body: await subscriptions.getWebhook(ctx, principal, params.id!),
    }),
  );

  define(
    r,
    {
      method: "delete",
      path: "/v1/webhooks/:id",
      action: "webhook.write",
      tag: "Webhooks",
      summary: "Delete a webhook subscription and its pending deliveries",
      params: IdParam,
      responses: { 204: { description: "Deleted" }, ...errorResponses },
    },
    async ({ params, principal }) => {
      await subscriptions.deleteWebhook(ctx, principal, params.id!);
      return { status: 204 };
    },
  );

  define(
    r,
    {
      method: "get",
      path: "/v1/webhooks/:id/deliveries",
      action: "webhook.read",
      tag: "Webhooks",
      summary: "Recent deliveries, newest first: state, attempts, last status code, next try",
      params: IdParam,
      query: DeliveriesQuery,
      responses: { 200: { description: "Deliveries", schema: DeliveryPage }, ...errorResponses },
    },
    async ({ params, query, principal }) => ({
      status: 200,
      body: await deliveries.listDeliveries(ctx, principal, params.id!, query),
    }),
  );

  define(
    r,
    {
      method: "post",
      path: "/v1/webhooks/:id/deliveries/:deliveryId/retry",
      action: "webhook.write",
      tag: "Webhooks",
      summary: "Send a failed delivery again, now",
      description:
        "A delivery whose retries ran out (`failed`) goes out again with a fresh retry window; one still `pending` after a failed attempt is tried now instead of after its backoff. A delivered one, one not tried yet or one being sent at this moment answers 409 `conflict`.",
      params: DeliveryParams,
      responses: { 200: { description: "The delivery, pending again", schema: WebhookDelivery }, ...errorResponses },
    },
    async ({ params, principal }) => {
      const delivery = await deliveries.retryDelivery(ctx, principal, params.id!, params.deliveryId!);
      opts.wake();
      return { status: 200, body: delivery };
    },
  );

  return r;
}
