import type { Server, Socket } from "socket.io";
import type { DomainEvent } from "../events/bus.ts";
import { agentNamespace, type AgentEventMap, type AgentEventType } from "../../shared/inbox.ts";
import { resolveSession } from "../domain/agent-sessions.ts";
import { sessionTokenFrom } from "../http/routes/inbox-session.ts";
import type { RealtimeDeps } from "./index.ts";

/** Every signed-in agent joins this room: agents see every site's conversations. */
const agentsRoom = "agents";

type Translate = { [K in AgentEventType]: (e: Extract<DomainEvent, { type: K }>) => AgentEventMap[K] };

/** Domain event → what the inbox hears: one entry per forwarded kind, nothing else leaves. */
const forwarded: Translate = {
  "conversation.created": (e) => ({ conversation: e.conversation }),
  "conversation.updated": (e) => ({ conversation: e.conversation, changed: e.changed }),
  "conversation.closed": (e) => ({ conversation: e.conversation }),
  "message.created": (e) => ({ message: e.message, conversation: e.conversation }),
  "message.completed": (e) => ({ message: e.message }),
  "message.appended": (e) => ({ conversationId: e.conversationId, messageId: e.messageId, offset: e.offset, text: e.text }),
  typing: (e) => ({ conversationId: e.conversationId, side: e.side, typing: e.typing, name: e.name }),
  read: (e) => ({ conversationId: e.conversationId, side: e.side, seq: e.seq }),
  "contact.updated": (e) => ({ contact: e.contact }),
};

/**
 * The inbox's namespace. The handshake is authenticated with the same session cookie as the
 * inbox's HTTP calls; a socket without a valid session is refused. Sockets only listen: every
 * action goes through the REST API and its domain functions, whose events come back here.
 * With the Redis adapter, the node where an event happened fans it out to every node's agents.
 */
export function attachAgentNamespace(io: Server, deps: RealtimeDeps): void {
  const nsp = io.of(agentNamespace);

  nsp.use((socket: Socket, next) => {
    const token = sessionTokenFrom(socket.handshake.headers.cookie);
    if (!token) return next(new Error("unauthorized"));
    resolveSession(deps.ctx, token)
      .then((found) => {
        if (!found) return next(new Error("unauthorized"));
        socket.data.agentId = found.agent.id;
        next();
      })
      .catch((err) => {
        deps.log.error({ err }, "agent socket authentication failed");
        next(new Error("unavailable"));
      });
  });

  nsp.on("connection", (socket) => {
    void socket.join(agentsRoom);
  });

  deps.ctx.bus.subscribe((event) => {
    const translate = (forwarded as Record<string, ((e: DomainEvent) => unknown) | undefined>)[event.type];
    if (!translate) return;
    try {
      (nsp.to(agentsRoom).emit as (name: string, payload: unknown) => boolean)(event.type, translate(event));
    } catch (err) {
      deps.log.error({ err, type: event.type }, "agent event not forwarded");
    }
  });
}

