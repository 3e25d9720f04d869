import type { Namespace, Server, Socket } from "socket.io";
import type { z } from "zod";
import {
  GetMessagePayload,
  HandshakeAuth,
  ReadPayload,
  ResyncPayload,
  SendPayload,
  TypingPayload,
  VisitorUser,
  visitorNamespace,
  type AckError,
  type VisitorClientEvents,
  type VisitorConversation,
  type VisitorServerEvents,
} from "../../shared/protocol.ts";
import type { Conversation } from "../../shared/schemas/index.ts";
import type { ErrorCode } from "../../shared/errors.ts";
import type { DomainEvent } from "../events/bus.ts";
import type { SiteRow, VisitorRow } from "../store/tables.ts";
import { ParleyError } from "../domain/errors.ts";
import { zodDetails } from "../domain/validation.ts";
import { originAllowed, siteByKey } from "../domain/sites.ts";
import { liveSiteConfig } from "../domain/availability.ts";
import { conversationRow, markRead, setTyping } from "../domain/conversations.ts";
import * as visitors from "../domain/visitors.ts";
import { consume } from "../limits/limiters.ts";
import type { RealtimeDeps } from "./index.ts";

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

export function attachVisitorNamespace(io: Server, deps: RealtimeDeps): () => void {
  const nsp = io.of(visitorNamespace) as VisitorNamespace;
  nsp.use((socket, next) => {
    handshake(socket as VisitorSocket, deps).then(
      () => next(),
      (err: unknown) => {
        if (err instanceof ParleyError) return next(refusal(err.code, err.message));
        deps.log.error({ err }, "visitor handshake failed");
        next(refusal("internal_error", "The relay could not accept this connection"));
      },
    );
  });
  nsp.on("connection", (socket) => onConnection(socket, deps));
  return relayDomainEvents(nsp, deps);
}

async function handshake(socket: VisitorSocket, { ctx, limiters }: RealtimeDeps): Promise<void> {
  const auth = HandshakeAuth.safeParse(socket.handshake.auth ?? {});
  if (!auth.success)
    throw new ParleyError("bad_request", 'Send auth { siteKey: "pk_…", visitorToken? }', zodDetails(auth.error.issues));
  const site = await siteByKey(ctx, auth.data.siteKey);
  if (!site) throw new ParleyError("not_found", "Unknown site key");
  // Browsers always send Origin across origins; a request without one is same-origin or not from a page.
  const origin = socket.handshake.headers.origin;
  if (origin !== undefined && !originAllowed(site, origin))
    throw new ParleyError("forbidden", `This site may not be embedded on ${origin}`);
  if (limiters) await consume(limiters.api, `ip:${socket.handshake.address}`);
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

function onConnection(socket: VisitorSocket, deps: RealtimeDeps): void {
  const { ctx, limiters, metrics } = deps;
  const principal = () => visitors.visitorPrincipal(socket.data.visitor);
  const limit = async () => {
    if (limiters) await consume(limiters.api, `visitor:${socket.data.visitor.id}`);
  };
  const on = <S extends z.ZodType, R extends object>(
    event: keyof VisitorClientEvents,
    schema: S,
    fn: (payload: z.infer<S>) => Promise<R>,
  ) => {
    socket.on(event, async (payload: unknown, ack?: unknown) => {
      const reply = typeof ack === "function" ? (ack as (res: unknown) => void) : () => {};
      const parsed = schema.safeParse(payload);
      if (!parsed.success)
        return reply({
          ok: false,
          error: {
            code: "validation_failed",
            message: "Request validation failed",
            details: zodDetails(parsed.error.issues),
          },
        });
      try {
        reply({ ok: true, ...(await fn(parsed.data)) });
      } catch (err) {
        reply({ ok: false, error: ackError(err, deps) });
      }
    });
  };

  on("send", SendPayload, async (payload) => {
    await limit();
    socket.data.visitor = await visitors.ensureVisitorContact(ctx, socket.data.visitor);
    const result = await visitors.sendFromVisitor(ctx, socket.data.visitor, payload);
    const id = result.conversation.id;
    await socket.join(conversationRoom(id));
    if (id !== payload.conversationId)
      socket.to(visitorRoom(socket.data.visitor.id)).emit("conversation.started", { conversationId: id });
    return { message: result.message, conversation: result.conversation };
  });

  on("resync", ResyncPayload, async ({ conversationId, afterSeq }) => {
    // Authorise, follow, then read: whatever is stored after the read arrives live, and the client drops duplicates by seq.
    await conversationRow(ctx.db, principal(), conversationId);
    await socket.join(conversationRoom(conversationId));
    return visitors.resyncConversation(ctx, principal(), conversationId, afterSeq);
  });

  on("typing", TypingPayload, async ({ conversationId, typing }) => {
    await setTyping(ctx, principal(), conversationId, typing);
    return {};
  });

  on("read", ReadPayload, async ({ conversationId, seq }) => ({
    conversation: stateOf(await markRead(ctx, principal(), conversationId, seq)),
  }));

  on("message.get", GetMessagePayload, async ({ messageId }) => ({
    message: await visitors.visitorMessage(ctx, principal(), messageId),
  }));

  on("identify", VisitorUser, async (user) => {
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
  });

  metrics.sockets.inc({ namespace: "visitor" });
  socket.on("disconnect", () => metrics.sockets.dec({ namespace: "visitor" }));

  void (async () => {
    await socket.join([visitorRoom(socket.data.visitor.id), siteVisitorsRoom(socket.data.site.id)]);
    const conversationId = await visitors.latestConversationId(ctx, principal());
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

function ackError(err: unknown, deps: RealtimeDeps): AckError {
  if (err instanceof ParleyError) return { code: err.code, message: err.message, details: err.details };
  deps.log.error({ err }, "visitor event failed");
  return { code: "internal_error", message: "Internal error", details: [] };
}

function stateOf(c: Conversation): VisitorConversation {
  return { id: c.id, status: c.status, lastSeq: c.lastMessage?.seq ?? 0, readUpTo: c.readUpTo };
}

type Relay<T extends DomainEvent["type"]> = (
  nsp: VisitorNamespace,
  event: Extract<DomainEvent, { type: T }>,
  deps: RealtimeDeps,
) => Promise<void> | void;

/** What a visitor's sockets hear of each domain event: only what a visitor may see. */
const relays: { [T in DomainEvent["type"]]?: Relay<T> } = {
  "message.created": async (nsp, e, { ctx }) => {
    const message = await visitors.withClientId(ctx, e.message);
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
    if (e.changed.includes("status"))
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
