import type { Transaction } from "kysely";
import type { Database } from "../store/tables.ts";
import type { Conversation, Message, Contact, Note } from "../../shared/schemas/index.ts";
import { webhookEventTypes } from "../../shared/schemas/webhook.ts";

/**
 * What happened, told once by the domain after its transaction commits.
 * Durable events (the first group) are also handed to in-transaction hooks, so that an outbox
 * (webhooks) is written atomically with the change. Ephemeral ones are only published.
 */
export type DomainEvent =
  | { type: "conversation.created"; siteId: string; conversationId: string; conversation: Conversation }
  | {
      type: "conversation.updated";
      siteId: string;
      conversationId: string;
      conversation: Conversation;
      changed: string[];
    }
  | { type: "conversation.closed"; siteId: string; conversationId: string; conversation: Conversation }
  | {
      type: "message.created";
      siteId: string;
      conversationId: string;
      message: Message;
      conversation: Conversation;
      /** The key it was stored under (a widget's client id is in it); not announced beyond this node. */
      idempotencyKey?: string | null;
    }
  | { type: "message.completed"; siteId: string; conversationId: string; message: Message }
  | { type: "contact.updated"; siteId: string; contact: Contact }
  // `visitorIds`, `conversationIds`: what was erased with it, for the live sockets only (never stored or sent out)
  | { type: "contact.deleted"; siteId: string; contactId: string; visitorIds: string[]; conversationIds: string[] }
  | { type: "note.created"; siteId: string; conversationId: string; note: Note; conversation: Conversation }
  // ephemeral: live only
  | {
      type: "message.appended";
      siteId: string;
      conversationId: string;
      messageId: string;
      offset: number;
      text: string;
    }
  | {
      type: "typing";
      siteId: string;
      conversationId: string;
      side: "agent" | "contact";
      typing: boolean;
      name: string | null;
    }
  | { type: "read"; siteId: string; conversationId: string; side: "agent" | "contact"; seq: number }
  // closed conversations past their site's retention period were deleted (domain/retention.ts)
  | { type: "conversations.expired"; siteId: string; conversationIds: string[] }
  // a site was created: inboxes that may see it start hearing its events
  | { type: "site.created"; siteId: string }
  // a site's settings changed (business hours, away message…): its availability is computed again
  | { type: "site.updated"; siteId: string }
  // an agent changed (away, queues, role, active): inboxes show it, sites' availability is computed again
  | { type: "agent.updated"; agentId: string }
  // an inbox session ended (signed out, or found expired): its live sockets are cut on every node
  | { type: "agent.session.ended"; agentId: string; sessionId: string };

export type DomainEventType = DomainEvent["type"];
/** The durable events are exactly those a webhook can subscribe to: one list, in shared/. */
export const durableEventTypes = webhookEventTypes satisfies readonly DomainEventType[];

export type TransactionHook = (trx: Transaction<Database>, events: DomainEvent[]) => Promise<void>;
export type Listener = (event: DomainEvent) => void;

/** One in-process bus: sockets, webhooks and metrics subscribe; only the domain publishes. */
export class EventBus {
  private listeners = new Set<Listener>();
  private hooks: TransactionHook[] = [];

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Runs inside the writing transaction, before commit, with the durable events it produced. */
  addTransactionHook(hook: TransactionHook): void {
    this.hooks.push(hook);
  }

  async runTransactionHooks(trx: Transaction<Database>, events: DomainEvent[]): Promise<void> {
    const durable = events.filter((e) => (durableEventTypes as readonly string[]).includes(e.type));
    if (durable.length === 0) return;
    for (const hook of this.hooks) await hook(trx, durable);
  }

  publish(event: DomainEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A listener's failure never reaches the writer; listeners log their own errors.
      }
    }
  }
}
