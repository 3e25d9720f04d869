import type { DomainEvent } from "./bus.ts";
import type { WebhookEventType, webhookEventData } from "../../shared/schemas/index.ts";
import type { z } from "zod";

type Data<T extends WebhookEventType> = z.infer<(typeof webhookEventData)[T]>;

/** What a durable domain event announces to webhook subscribers. */
export interface Announcement {
  type: WebhookEventType;
  siteId: string;
  /** Deliveries with the same key go out to a subscription one at a time, in order. */
  orderingKey: string | null;
  data: Data<WebhookEventType>;
}

/** Domain event → webhook event `data` (documented in shared/schemas/webhook.ts), or null for live-only events. */
export function announcement(e: DomainEvent): Announcement | null {
  switch (e.type) {
    case "conversation.created":
    case "conversation.closed":
      return {
        type: e.type,
        siteId: e.siteId,
        orderingKey: e.conversationId,
        data: { conversation: e.conversation } satisfies Data<typeof e.type>,
      };
    case "conversation.updated":
      return {
        type: e.type,
        siteId: e.siteId,
        orderingKey: e.conversationId,
        data: { conversation: e.conversation, changed: e.changed } satisfies Data<"conversation.updated">,
      };
    case "message.created":
      return {
        type: e.type,
        siteId: e.siteId,
        orderingKey: e.conversationId,
        data: { message: e.message, conversation: e.conversation } satisfies Data<"message.created">,
      };
    case "message.completed":
      return {
        type: e.type,
        siteId: e.siteId,
        orderingKey: e.conversationId,
        data: { message: e.message } satisfies Data<"message.completed">,
      };
    case "note.created":
      return {
        type: e.type,
        siteId: e.siteId,
        orderingKey: e.conversationId,
        data: { note: e.note, conversation: e.conversation } satisfies Data<"note.created">,
      };
    case "contact.updated":
      return {
        type: e.type,
        siteId: e.siteId,
        orderingKey: e.contact.id,
        data: { siteId: e.siteId, contact: e.contact } satisfies Data<"contact.updated">,
      };
    case "contact.deleted":
      return {
        type: e.type,
        siteId: e.siteId,
        orderingKey: e.contactId,
        data: { siteId: e.siteId, contactId: e.contactId } satisfies Data<"contact.deleted">,
      };
    default:
      return null;
  }
}
