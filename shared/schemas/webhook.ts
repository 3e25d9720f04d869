import { z } from "zod";
import { Timestamp, Url, idOf, queryInt } from "./common.ts";
import { Contact } from "./contact.ts";
import { Conversation } from "./conversation.ts";
import { Message } from "./message.ts";
import { Note } from "./note.ts";

/** The events a subscription may ask for (CONTRACT §4). */
export const webhookEventTypes = [
  "conversation.created",
  "conversation.updated",
  "conversation.closed",
  "message.created",
  "message.completed",
  "contact.updated",
  "contact.deleted",
  "note.created",
] as const;
export type WebhookEventType = (typeof webhookEventTypes)[number];
export const WebhookEventType = z.enum(webhookEventTypes);

/** Each event's `data`, by type. */
export const webhookEventData = {
  "conversation.created": z.object({ conversation: Conversation }).meta({ id: "ConversationCreatedData" }),
  "conversation.updated": z
    .object({
      conversation: Conversation,
      changed: z.array(z.string()).meta({ description: "The fields that changed, e.g. status, assignee, tags" }),
    })
    .meta({ id: "ConversationUpdatedData" }),
  "conversation.closed": z.object({ conversation: Conversation }).meta({ id: "ConversationClosedData" }),
  "message.created": z.object({ message: Message, conversation: Conversation }).meta({ id: "MessageCreatedData" }),
  "message.completed": z
    .object({ message: Message })
    .meta({ id: "MessageCompletedData", description: "A streamed message got its final text" }),
  "contact.updated": z.object({ siteId: z.string(), contact: Contact }).meta({ id: "ContactUpdatedData" }),
  "contact.deleted": z.object({ siteId: z.string(), contactId: z.string() }).meta({ id: "ContactDeletedData" }),
  "note.created": z
    .object({ note: Note, conversation: Conversation })
    .meta({ id: "NoteCreatedData", description: "A private note was written (never shown to the visitor)" }),
} satisfies Record<WebhookEventType, z.ZodType>;

function envelope<T extends WebhookEventType>(type: T) {
  return z.object({
    id: z
      .string()
      .meta({ description: "The event id (evt_…): the same on every retry; de-duplicate by it", example: "evt_4Jq8s" }),
    type: z.literal(type),
    createdAt: Timestamp,
    data: webhookEventData[type],
  });
}

/** The JSON body of every delivery: `{ id, type, createdAt, data }`, signed in `Parley-Signature`. */
export const WebhookEvent = z
  .discriminatedUnion("type", [
    envelope("conversation.created"),
    envelope("conversation.updated"),
    envelope("conversation.closed"),
    envelope("message.created"),
    envelope("message.completed"),
    envelope("contact.updated"),
    envelope("contact.deleted"),
    envelope("note.created"),
  ])
  .meta({
    id: "WebhookEvent",
    description:
      'POSTed to the subscription\'s url with `Parley-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. Retried with exponential backoff on a non-2xx answer or a timeout.',
  });
export type WebhookEvent = z.infer<typeof WebhookEvent>;

export const Webhook = z
  .object({
    id: z.string().meta({ example: "wh_7Hn2c" }),
    siteId: z.string().nullable().meta({ description: "null: events of every site (admin tokens only)" }),
    url: z.string(),
    events: z.array(WebhookEventType),
    createdAt: Timestamp,
  })
  .meta({ id: "Webhook" });
export type Webhook = z.infer<typeof Webhook>;

export const CreatedWebhook = Webhook.extend({
  secret: z.string().meta({ description: "whsec_…: the HMAC key for Parley-Signature, shown only in this answer" }),
}).meta({ id: "CreatedWebhook" });

export const WebhookInput = z
  .object({
    url: Url.meta({ description: "http(s) URL on a public address" }),
    events: z.array(WebhookEventType).min(1, "give at least one event type"),
    siteId: idOf("site_")
      .nullable()
      .optional()
      .meta({ description: "Limit to one site; defaults to the token's site, else every site" }),
  })
  .strict()
  .meta({ id: "WebhookInput" });
export type WebhookInput = z.infer<typeof WebhookInput>;

export const deliveryStates = ["pending", "delivered", "failed"] as const;

export const WebhookDelivery = z
  .object({
    id: z.string().meta({ example: "dlv_Q2m9x" }),
    webhookId: z.string(),
    state: z
      .enum(deliveryStates)
      .meta({ description: "pending (not yet delivered, retrying), delivered, or failed (retries ran out)" }),
    attempts: z.number().int(),
    statusCode: z
      .number()
      .int()
      .nullable()
      .meta({ description: "HTTP status of the last attempt; null when it got no answer" }),
    error: z.string().nullable().meta({ description: "Why the last attempt failed, e.g. timeout" }),
    nextAttemptAt: Timestamp.nullable(),
    lastAttemptAt: Timestamp.nullable(),
    deliveredAt: Timestamp.nullable(),
    createdAt: Timestamp,
    event: WebhookEvent,
  })
  .meta({ id: "WebhookDelivery" });
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const DeliveriesQuery = z
  .object({
    state: z.enum(deliveryStates).optional(),
    limit: queryInt(1, 100).default(20),
    cursor: z
      .string()
      .regex(/^\d{1,18}$/, "must be a cursor from nextCursor")
      .optional(),
  })
  .strict();
export type DeliveriesQuery = z.infer<typeof DeliveriesQuery>;

export const DeliveryPage = z
  .object({ items: z.array(WebhookDelivery), hasMore: z.boolean(), nextCursor: z.string().nullable() })
  .meta({ id: "WebhookDeliveryPage" });
