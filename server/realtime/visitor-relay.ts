import type { DomainEvent } from "../events/bus.ts";
import { withClientId } from "../domain/visitor-messages.ts";
import type { RealtimeDeps } from "./index.ts";
import { mayReach } from "./rooms.ts";
import { conversationRoom, stateOf, visitorRoom, type VisitorNamespace } from "./visitor-socket.ts";

type Relay<T extends DomainEvent["type"]> = (
  nsp: VisitorNamespace,
  event: Extract<DomainEvent, { type: T }>,
  deps: RealtimeDeps,
) => Promise<void> | void;

/** What a visitor's sockets hear of each domain event: only what a visitor may see. */
const relays: { [T in DomainEvent["type"]]?: Relay<T> } = {
  "message.created": (nsp, e, deps) => {
    if (!mayReach(nsp, conversationRoom(e.conversationId), deps)) return;
    const message = withClientId(e.message, e.idempotencyKey, e.conversation.uniqueId);
    nsp.to(conversationRoom(e.conversationId)).emit("message", { message, conversation: stateOf(e.conversation) });
  },
  "message.appended": (nsp, e) => {
    nsp.to(conversationRoom(e.conversationId)).emit("message.delta", {
      conversationId: e.conversationId,
      messageId: e.messageId,
      offset: e.offset,
      text: e.text,
    });
  },
  "message.completed": (nsp, e) => {
    nsp.to(conversationRoom(e.conversationId)).emit("message.completed", { message: { ...e.message, clientId: null } });
  },
  "conversation.updated": (nsp, e) => {
    if (e.changed.includes("status") || e.changed.includes("rating"))
      nsp.to(conversationRoom(e.conversationId)).emit("conversation", { conversation: stateOf(e.conversation) });
  },
  typing: (nsp, e) => {
    if (e.side === "agent")
      nsp
        .to(conversationRoom(e.conversationId))
        .emit("typing", { conversationId: e.conversationId, typing: e.typing, name: e.name });
  },
  read: (nsp, e) => {
    nsp
      .to(conversationRoom(e.conversationId))
      .emit("read", { conversationId: e.conversationId, side: e.side, seq: e.seq });
  },
  // Erased: told, then cut, on every node (the adapter carries both, in order). Its token no longer resolves.
  "contact.deleted": (nsp, e) => {
    for (const visitorId of e.visitorIds) {
      nsp.to(visitorRoom(visitorId)).emit("erased", {});
      nsp.in(visitorRoom(visitorId)).disconnectSockets(true);
    }
  },
};

/**
 * Domain events of this node → rooms. With the Redis adapter, an emit reaches the room's
 * sockets on every node, so each node relays only its own bus. Events are relayed one after
 * another, in the order the domain told them.
 */
export function relayDomainEvents(nsp: VisitorNamespace, deps: RealtimeDeps): () => void {
  let chain: Promise<void> = Promise.resolve();
  return deps.ctx.bus.subscribe((event) => {
    const relay = relays[event.type] as Relay<typeof event.type> | undefined;
    if (!relay) return;
    chain = chain
      .then(() => relay(nsp, event as never, deps))
      .catch((err) => deps.log.error({ err, type: event.type }, "relaying an event to visitors failed"));
  });
}
