import type { z } from "zod";
import {
  GetMessagePayload,
  PagePayload,
  RatePayload,
  ReadPayload,
  ResyncPayload,
  SendPayload,
  TranscriptPayload,
  TypingPayload,
  VisitorUser,
  type Ack,
  type AckError,
} from "../../shared/protocol.ts";
import { errorReply } from "../domain/errors.ts";
import { parse } from "../domain/validation.ts";
import { conversationRow, markRead, setTyping } from "../domain/conversations.ts";
import * as visitors from "../domain/visitors.ts";
import { sendFromVisitor } from "../domain/visitor-send.ts";
import { recordPageView } from "../domain/visitor-pages.ts";
import { rateConversation } from "../domain/ratings.ts";
import { visitorTranscript } from "../email/transcript.ts";
import { consume } from "../limits/limiters.ts";
import type { RealtimeDeps } from "./index.ts";
import type { EventGuard } from "./guard.ts";
import { conversationRoom, siteVisitorsRoom, stateOf, visitorRoom, type VisitorSocket } from "./visitor-socket.ts";

/**
 * A widget's requests on its socket: each event's payload parsed, the domain call (the same
 * functions as REST), its result or its error acknowledged. A socket joins `conv:<id>` only
 * after the domain said the visitor may see it.
 */
export function handleVisitorEvents(socket: VisitorSocket, deps: RealtimeDeps, guard: EventGuard): void {
  const { ctx, limiters } = deps;
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
}

/** The acknowledgement's error: mapped exactly as the REST error handler maps it, logged when unexpected. */
function ackError(err: unknown, deps: RealtimeDeps): AckError {
  const { code, message, details, log } = errorReply(err);
  if (log === "unavailable") deps.log.error({ err }, "database unavailable");
  else if (log) deps.log.error({ err }, "visitor event failed");
  return { code, message, details };
}
