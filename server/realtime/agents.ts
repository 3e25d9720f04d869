import type { Namespace, Server, Socket } from "socket.io";
import type { DomainEvent } from "../events/bus.ts";
import { agentNamespace } from "../../shared/inbox.ts";
import type { AgentEventMap, AgentEventType } from "../../shared/protocol.ts";
import { resolveSession } from "../domain/agent-sessions.ts";
import { can } from "../domain/permissions.ts";
import { errorReply } from "../domain/errors.ts";
import type { Ctx, Principal } from "../domain/context.ts";
import { sessionTokenFrom } from "../auth/session-cookie.ts";
import type { RealtimeDeps } from "./index.ts";
import { eventGuard } from "./guard.ts";
import { mayReach } from "./rooms.ts";

/** The inboxes that may see a site's conversations: its events go to this room only. */
const siteRoom = (siteId: string) => `site:${siteId}`;
/** The sockets of one inbox session, cut together when it ends. */
const sessionRoom = (sessionId: string) => `session:${sessionId}`;
/** setTimeout's longest delay; a later expiry is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

interface AgentSocketData {
  /** The rooms of the sites its agent may see, when it connected. */
  rooms: string[];
  agentId: string;
  principal: Principal;
  sessionId: string;
  expiresAt: string;
  token: string;
}

/** `agent.updated` is announced by realtime/availability.ts (it reads the agent's presence). */
type Translate = {
  [K in Exclude<AgentEventType, "agent.updated">]: (e: Extract<DomainEvent, { type: K }>) => AgentEventMap[K];
};

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
  "contact.deleted": (e) => ({ contactId: e.contactId, conversationIds: e.conversationIds }),
  "conversations.expired": (e) => ({ conversationIds: e.conversationIds }),
  "note.created": (e) => ({ note: e.note, conversation: e.conversation }),
};

/**
 * The inbox's namespace. The handshake is authenticated with the same session cookie as the
 * inbox's HTTP calls; a socket without a valid session is refused. Sockets only listen: every
 * action goes through the REST API and its domain functions, whose events come back here.
 * Each socket joins the room of every site its agent may see (the permission table decides), and
 * a site's events go to its room only; with the Redis adapter, the node where an event happened
 * fans it out to those rooms on every node.
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
      .then(async (found) => {
        if (!found || !can(found.principal, "inbox.session")) return next(new Error("unauthorized"));
        const rooms = await siteRooms(deps.ctx, found.principal);
        socket.data = {
          rooms,
          agentId: found.agent.id,
          principal: found.principal,
          sessionId: found.sessionId,
          expiresAt: found.expiresAt,
          token,
        } satisfies AgentSocketData;
        next();
      })
      .catch((err) => {
        // Refused with the code REST would answer (a lost database: unavailable), never the error itself.
        const { code } = errorReply(err);
        deps.log.error({ err }, "agent socket authentication failed");
        next(Object.assign(new Error(code), { data: { code } }));
      });
  });

  // Inbox sockets only listen: whatever they send is refused, and a flood disconnects them.
  const guard = eventGuard([], deps.log);
  nsp.on("connection", (socket) => {
    socket.use(guard.middleware(socket));
    const data = socket.data as AgentSocketData;
    void socket.join([sessionRoom(data.sessionId), ...data.rooms]);
    // Asked again once connected: a site created meanwhile is not missed (later ones: joinNewSite).
    siteRooms(deps.ctx, data.principal)
      .then((rooms) => socket.connected && socket.join(rooms))
      .catch((err) => deps.log.error({ err }, "agent socket could not join its sites"));
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
    deps.presence?.add(data.agentId, socket.id).catch((err) => deps.log.error({ err }, "agent presence not recorded"));
    socket.on("disconnect", () => {
      clearTimeout(timer);
      deps.presence
        ?.remove(data.agentId, socket.id)
        .catch((err) => deps.log.error({ err }, "agent presence not recorded"));
    });
  });

  deps.ctx.bus.subscribe((event) => {
    if (event.type === "agent.session.ended") {
      nsp.in(sessionRoom(event.sessionId)).disconnectSockets(true);
      return;
    }
    if (event.type === "site.created") {
      joinNewSite(nsp, event.siteId).catch((err) => deps.log.error({ err }, "inboxes could not join a new site"));
      return;
    }
    const translate = (forwarded as Record<string, ((e: DomainEvent) => unknown) | undefined>)[event.type];
    if (!translate || !("siteId" in event) || !mayReach(nsp, siteRoom(event.siteId), deps)) return;
    try {
      (nsp.to(siteRoom(event.siteId)).emit as (name: string, payload: unknown) => boolean)(
        event.type,
        translate(event),
      );
    } catch (err) {
      deps.log.error({ err, type: event.type }, "agent event not forwarded");
    }
  });
}

/** The rooms of every site this agent may see. */
async function siteRooms(ctx: Ctx, principal: Principal): Promise<string[]> {
  const sites = await ctx.db.selectFrom("sites").select("id").execute();
  return sites.filter((s) => can(principal, "conversation.read", { siteId: s.id })).map((s) => siteRoom(s.id));
}

/** A new site: the inboxes on every node that may see it join its room. */
async function joinNewSite(nsp: Namespace, siteId: string): Promise<void> {
  for (const socket of await nsp.fetchSockets()) {
    const { principal } = socket.data as AgentSocketData;
    if (can(principal, "conversation.read", { siteId })) socket.join(siteRoom(siteId));
  }
}
