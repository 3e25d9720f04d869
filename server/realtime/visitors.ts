import type { Server } from "socket.io";
import { HandshakeAuth, VisitorUser, visitorNamespace, type VisitorRequest } from "../../shared/protocol.ts";
import type { ErrorCode } from "../../shared/errors.ts";
import { errorReply, ParleyError } from "../domain/errors.ts";
import { zodDetails } from "../domain/validation.ts";
import { embeddedSite } from "../domain/sites.ts";
import { liveSiteConfig } from "../domain/availability.ts";
import * as visitors from "../domain/visitors.ts";
import { consume } from "../limits/limiters.ts";
import type { RealtimeDeps } from "./index.ts";
import { clientAddress, eventGuard, type EventGuard } from "./guard.ts";
import { handleVisitorEvents } from "./visitor-events.ts";
import { relayDomainEvents } from "./visitor-relay.ts";
import { siteVisitorsRoom, visitorRoom, type VisitorNamespace, type VisitorSocket } from "./visitor-socket.ts";

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

/**
 * The widget's namespace: authenticates visitors, translates socket events into domain calls
 * (the same functions as REST) and relays domain events to the sockets that follow a
 * conversation (visitor-events.ts, visitor-relay.ts). A socket joins `conv:<id>` only after the
 * domain said the visitor may see it.
 */
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

/** A connected widget: its requests handled, its rooms joined, then `welcome`. */
function onConnection(socket: VisitorSocket, deps: RealtimeDeps, guard: EventGuard): void {
  const { ctx, metrics } = deps;
  handleVisitorEvents(socket, deps, guard);

  metrics.sockets.inc({ namespace: "visitor" });
  socket.on("disconnect", () => metrics.sockets.dec({ namespace: "visitor" }));

  void (async () => {
    await socket.join([visitorRoom(socket.data.visitor.id), siteVisitorsRoom(socket.data.site.id)]);
    const conversationId = await visitors.latestConversationId(ctx.db, visitors.visitorPrincipal(socket.data.visitor));
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
