import type { Namespace, Server, Socket } from "socket.io";
import type { z } from "zod";
import {
  GetMessagePayload,
  HandshakeAuth,
  PagePayload,
  RatePayload,
  ReadPayload,
  ResyncPayload,
  SendPayload,
  TranscriptPayload,
  TypingPayload,
  VisitorUser,
  visitorNamespace,
  type Ack,
  type AckError,
  type VisitorClientEvents,
  type VisitorConversation,
  type VisitorRequest,
  type VisitorServerEvents,
} from "../../shared/protocol.ts";
import type { Conversation } from "../../shared/schemas/index.ts";
import type { ErrorCode } from "../../shared/errors.ts";
import type { DomainEvent } from "../events/bus.ts";
import type { SiteRow, VisitorRow } from "../store/tables.ts";
import { errorReply, ParleyError } from "../domain/errors.ts";
import { parse, zodDetails } from "../domain/validation.ts";
import { embeddedSite } from "../domain/sites.ts";
import { liveSiteConfig } from "../domain/availability.ts";
import { conversationRow, markRead, setTyping } from "../domain/conversations.ts";
import * as visitors from "../domain/visitors.ts";
import { sendFromVisitor } from "../domain/visitor-send.ts";
import { withClientId } from "../domain/visitor-messages.ts";
import { recordPageView } from "../domain/visitor-pages.ts";
import { rateConversation } from "../domain/ratings.ts";
import { visitorTranscript } from "../email/transcript.ts";
import { consume } from "../limits/limiters.ts";
import type { RealtimeDeps } from "./index.ts";
import { clientAddress, eventGuard, type EventGuard } from "./guard.ts";

/**
 * The widget's namespace: authenticates visitors, translates socket events into domain calls
 * (the same functions as REST) and relays domain events to the sockets that follow a
 * conversation. A socket joins `conv:<id>` only after the domain said the visitor may see it.
 */

interface SocketData {
  site: SiteRow;
  visitor: VisitorRow;
  token: string;
  identified: boolean;
}
type VisitorSocket = Socket<VisitorClientEvents, VisitorServerEvents, Record<string, never>, SocketData>;
type VisitorNamespace = Namespace<VisitorClientEvents, VisitorServerEvents, Record<string, never>, SocketData>;

const visitorRoom = (visitorId: string) => `visitor:${visitorId}`;
const conversationRoom = (conversationId: string) => `conv:${conversationId}`;
/** Every widget of a site: hears the site's availability (realtime/availability.ts). */
export const siteVisitorsRoom = (siteId: string) => `site:${siteId}`;

/** A refused handshake: the client's `connect_error` carries the message and `data.code`. */
function refusal(code: ErrorCode, message: string): Error {
  return Object.assign(new Error(message), { data: { code } });
}

/** Every event a widget may send; anything else is answered `bad_request` (guard.ts). */
const requests = Object.keys({
  send: true,
  resync: true,
  typing: true,
  read: true,
  rate: true,
  "message.get": true,
  page: true,
  identify: true,
  transcript: true,
} satisfies Record<VisitorRequest, true>);

export function attachVisitorNamespace(io: Server, deps: RealtimeDeps): () => void {
  const nsp = io.of(visitorNamespace) as VisitorNamespace;
  const guard = eventGuard(requests, deps.log);
  nsp.use((socket, next) => {
    handshake(socket as VisitorSocket, deps).then(
      () => next(),
      (err: unknown) => {
        const { code, message, log } = errorReply(err);
        if (log) deps.log.error({ err }, log === "unavailable" ? "database unavailable" : "visitor handshake failed");
        next(refusal(code, log === "failed" ? "The relay could not accept this connection" : message));
      },
    );
  });
  nsp.on("connection", (socket) => {
    socket.use(guard.middleware(socket));
    onConnection(socket, deps, guard);
  });
  return relayDomainEvents(nsp, deps);
}

async function handshake(socket: VisitorSocket, { ctx, limiters }: RealtimeDeps): Promise<void> {
  const auth = HandshakeAuth.safeParse(socket.handshake.auth ?? {});
  if (!auth.success)
    throw new ParleyError("bad_request", 'Send auth { siteKey: "pk_…", visitorToken? }', zodDetails(auth.error.issues));
  if (limiters) {
    // Counted before any lookup: a flood of handshakes costs the store nothing.
    const address = clientAddress(socket.request);
    await consume(limiters.handshakes, address);
    await consume(limiters.api, `ip:${address}`);
  }
  const site = await embeddedSite(ctx, auth.data.siteKey, socket.handshake.headers.origin);
  let { visitor, token } = await visitors.connectVisitor(ctx, site, auth.data.visitorToken);
  let identified = false;
  const user = VisitorUser.safeParse(auth.data.user);
  if (auth.data.user !== undefined && user.success) {
    try {
      const result = await visitors.identifyVisitor(ctx, site, visitor, user.data);
      visitor = result.visitor;
      token = result.token ?? token;
      identified = true;
    } catch (err) {
      // An unverified identity is refused, not the connection: the visitor stays anonymous.
      if (!(err instanceof ParleyError)) throw err;
    }
  }
  socket.data = { site, visitor, token, identified };
}

function onConnection(socket: VisitorSocket, deps: RealtimeDeps, guard: EventGuard): void {
  const { ctx, limiters, metrics } = deps;
  const principal = () => visitors.visitorPrincipal(socket.data.visitor);
  const limit = async () => {
    if (limiters) await consume(limiters.api, `visitor:${socket.data.visitor.id}`);
  };
  /**
   * One event's listener: its payload parsed, the domain call, its result (or the error, mapped as
   * REST maps it) acknowledged. socket.on checks the result against the protocol's ack type.
   */
  const handle =
    <P, R extends object>(schema: z.ZodType<P>, fn: (payload: P) => Promise<R>) =>
    async (payload: unknown, ack?: (res: Ack<R>) => void) => {
      const reply = typeof ack === "function" ? ack : () => {};
      try {
        reply({ ok: true, ...(await fn(parse(schema, payload))) });
      } catch (err) {
        const error = ackError(err, deps);
        if (error.code === "validation_failed" || error.code === "bad_request") guard.refused(socket);
        reply({ ok: false, error });
      }
    };

  socket.on(
    "send",
    handle(SendPayload, async (payload) => {
      // Per visitor, across its tabs and the nodes: the widget tells the visitor to slow down.
      if (limiters) await consume(limiters.sends, socket.data.visitor.id);
      await limit();
      const result = await sendFromVisitor(ctx, socket.data.visitor, payload);
      socket.data.visitor = result.visitor;
      const id = result.conversation.id;
      if (!socket.rooms.has(conversationRoom(id))) await socket.join(conversationRoom(id));
      if (id !== payload.conversationId)
        socket.to(visitorRoom(socket.data.visitor.id)).emit("conversation.started", { conversationId: id });
      return { message: result.message, conversation: result.conversation };
    }),
  );

  socket.on(
    "resync",
    handle(ResyncPayload, async ({ conversationId, afterSeq }) => {
      // Authorise, follow, then read: whatever is stored after the read arrives live, and the client drops duplicates by seq.
      await conversationRow(ctx.db, principal(), conversationId);
      await socket.join(conversationRoom(conversationId));
      return visitors.resyncConversation(ctx, principal(), conversationId, afterSeq);
    }),
  );

  socket.on(
    "typing",
    handle(TypingPayload, async ({ conversationId, typing }) => {
      await setTyping(ctx, principal(), conversationId, typing);
      return {};
    }),
  );

  socket.on(
    "read",
    handle(ReadPayload, async ({ conversationId, seq }) => ({
      conversation: stateOf(await markRead(ctx, principal(), conversationId, seq)),
    })),
  );

  socket.on(
    "rate",
    handle(RatePayload, async ({ conversationId, ...rating }) => ({
      conversation: stateOf(await rateConversation(ctx, principal(), conversationId, rating)),
    })),
  );

  socket.on(
    "transcript",
    handle(TranscriptPayload, async ({ conversationId, email }) => {
      await limit();
      const result = await visitorTranscript(ctx, socket.data.site, socket.data.visitor, conversationId, email);
      socket.data.visitor = result.visitor;
      return { to: result.to };
    }),
  );

  socket.on(
    "message.get",
    handle(GetMessagePayload, async ({ messageId }) => ({
      message: await visitors.visitorMessage(ctx, principal(), messageId),
    })),
  );

  socket.on(
    "page",
    handle(PagePayload, async (view) => {
      await limit();
      await recordPageView(ctx, principal(), view, socket.handshake.headers["user-agent"]);
      return {};
    }),
  );

  socket.on(
    "identify",
    handle(VisitorUser, async (user) => {
      await limit();
      const before = socket.data.visitor.id;
      const result = await visitors.identifyVisitor(ctx, socket.data.site, socket.data.visitor, user);
      socket.data.visitor = result.visitor;
      socket.data.identified = true;
      if (result.token) {
        // Identified as someone else: this socket now belongs to a fresh visitor and follows nothing of the old one.
        for (const room of [...socket.rooms]) if (room !== socket.id) await socket.leave(room);
        await socket.join([visitorRoom(result.visitor.id), siteVisitorsRoom(socket.data.site.id)]);
        socket.data.token = result.token;
      }
      return {
        identified: true,
        contactId: result.visitor.contact_id,
        ...(result.token && result.visitor.id !== before ? { visitorToken: result.token } : {}),
      };
    }),
  );

  metrics.sockets.inc({ namespace: "visitor" });
  socket.on("disconnect", () => metrics.sockets.dec({ namespace: "visitor" }));

  void (async () => {
    await socket.join([visitorRoom(socket.data.visitor.id), siteVisitorsRoom(socket.data.site.id)]);
    const conversationId = await visitors.latestConversationId(ctx.db, principal());
    socket.emit("welcome", {
      visitorToken: socket.data.token,
      visitorId: socket.data.visitor.id,
      contactId: socket.data.visitor.contact_id,
      identified: socket.data.identified,
      site: await liveSiteConfig(ctx, socket.data.site),
      conversationId,
    });
  })().catch((err) => {
    deps.log.error({ err }, "visitor welcome failed");
    socket.disconnect(true);
  });
}

/** The acknowledgement's error: mapped exactly as the REST error handler maps it, logged when unexpected. */
function ackError(err: unknown, deps: RealtimeDeps): AckError {
  const { code, message, details, log } = errorReply(err);
  if (log === "unavailable") deps.log.error({ err }, "database unavailable");
  else if (log) deps.log.error({ err }, "visitor event failed");
  return { code, message, details };
}

function stateOf(c: Conversation): VisitorConversation {
  return { id: c.id, status: c.status, lastSeq: c.lastMessage?.seq ?? 0, readUpTo: c.readUpTo, rating: c.rating };
}

type Relay<T extends DomainEvent["type"]> = (
  nsp: VisitorNamespace,
  event: Extract<DomainEvent, { type: T }>,
  deps: RealtimeDeps,
) => Promise<void> | void;

/** What a visitor's sockets hear of each domain event: only what a visitor may see. */
const relays: { [T in DomainEvent["type"]]?: Relay<T> } = {
  "message.created": (nsp, e) => {
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
function relayDomainEvents(nsp: VisitorNamespace, deps: RealtimeDeps): () => void {
  let chain: Promise<void> = Promise.resolve();
  return deps.ctx.bus.subscribe((event) => {
    const relay = relays[event.type] as Relay<typeof event.type> | undefined;
    if (!relay) return;
    chain = chain
      .then(() => relay(nsp, event as never, deps))
      .catch((err) => deps.log.error({ err, type: event.type }, "relaying an event to visitors failed"));
  });
}
