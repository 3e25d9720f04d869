import type { Server, Socket } from "socket.io";
import type { DomainEvent } from "../events/bus.ts";
import { agentNamespace, type AgentEventMap, type AgentEventType } from "../../shared/inbox.ts";
import { resolveSession } from "../domain/agent-sessions.ts";
import { sessionTokenFrom } from "../auth/session-cookie.ts";
import type { RealtimeDeps } from "./index.ts";

/** Every signed-in agent joins this room: agents see every site's conversations. */
const agentsRoom = "agents";
/** The sockets of one inbox session, cut together when it ends. */
const sessionRoom = (sessionId: string) => `session:${sessionId}`;
/** setTimeout's longest delay; a later expiry is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface AgentSocketData {
  agentId: string;
  sessionId: string;
  expiresAt: string;
  token: string;
}

type Translate = { [K in AgentEventType]: (e: Extract<DomainEvent, { type: K }>) => AgentEventMap[K] };

/** Domain event → what the inbox hears: one entry per forwarded kind, nothing else leaves. */
const forwarded: Translate = {
  "conversation.created": (e) => ({ conversation: e.conversation }),
  "conversation.updated": (e) => ({ conversation: e.conversation, changed: e.changed }),
  "conversation.closed": (e) => ({ conversation: e.conversation }),
  "message.created": (e) => ({ message: e.message, conversation: e.conversation }),
  "message.completed": (e) => ({ message: e.message }),
  "message.appended": (e) => ({
    conversationId: e.conversationId,
    messageId: e.messageId,
    offset: e.offset,
    text: e.text,
  }),
  typing: (e) => ({ conversationId: e.conversationId, side: e.side, typing: e.typing, name: e.name }),
  read: (e) => ({ conversationId: e.conversationId, side: e.side, seq: e.seq }),
  "contact.updated": (e) => ({ contact: e.contact }),
};

/**
 * The inbox's namespace. The handshake is authenticated with the same session cookie as the
 * inbox's HTTP calls; a socket without a valid session is refused. Sockets only listen: every
 * action goes through the REST API and its domain functions, whose events come back here.
 * With the Redis adapter, the node where an event happened fans it out to every node's agents.
 * A socket lives no longer than its session: signing out disconnects the session's sockets on
 * every node (the room `session:<id>` through the adapter), and each socket is checked again
 * when its session would expire.
 */
export function attachAgentNamespace(io: Server, deps: RealtimeDeps): void {
  const nsp = io.of(agentNamespace);

  nsp.use((socket: Socket, next) => {
    const token = sessionTokenFrom(socket.handshake.headers.cookie);
    if (!token) return next(new Error("unauthorized"));
    resolveSession(deps.ctx, token, { extend: false })
      .then((found) => {
        if (!found) return next(new Error("unauthorized"));
        socket.data = {
          agentId: found.agent.id,
          sessionId: found.sessionId,
          expiresAt: found.expiresAt,
          token,
        } satisfies AgentSocketData;
        next();
      })
      .catch((err) => {
        deps.log.error({ err }, "agent socket authentication failed");
        next(new Error("unavailable"));
      });
  });

  nsp.on("connection", (socket) => {
    const data = socket.data as AgentSocketData;
    void socket.join([agentsRoom, sessionRoom(data.sessionId)]);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const watchExpiry = (expiresAt: string) => {
      timer = setTimeout(
        () => {
          resolveSession(deps.ctx, data.token, { extend: false })
            .then((found) => (found ? watchExpiry(found.expiresAt) : socket.disconnect(true)))
            .catch((err) => deps.log.error({ err }, "agent session check failed"));
        },
        Math.min(Math.max(0, Date.parse(expiresAt) - Date.now()), MAX_TIMER_MS),
      );
      timer.unref?.();
    };
    watchExpiry(data.expiresAt);
    socket.on("disconnect", () => clearTimeout(timer));
  });

  deps.ctx.bus.subscribe((event) => {
    if (event.type === "agent.session.ended") {
      nsp.in(sessionRoom(event.sessionId)).disconnectSockets(true);
      return;
    }
    const translate = (forwarded as Record<string, ((e: DomainEvent) => unknown) | undefined>)[event.type];
    if (!translate) return;
    try {
      (nsp.to(agentsRoom).emit as (name: string, payload: unknown) => boolean)(event.type, translate(event));
    } catch (err) {
      deps.log.error({ err, type: event.type }, "agent event not forwarded");
    }
  });
}
