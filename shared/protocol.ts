import { z } from "zod";
import type { ErrorBody } from "./errors.ts";
import { Email, Phone, text } from "./schemas/common.ts";
import type { Contact } from "./schemas/contact.ts";
import type { Conversation } from "./schemas/conversation.ts";
import { TypedMessageInput, type Message } from "./schemas/message.ts";
import type { Note } from "./schemas/note.ts";
import type { Agent } from "./schemas/agent.ts";
import type { PublicSiteConfig } from "./schemas/site.ts";
import { PageView } from "./schemas/visitor.ts";

/**
 * The widget ↔ relay socket protocol (socket.io namespace `/visitor`), typed once for the
 * server (server/realtime/visitor*.ts) and the widget (widget/session/). Everything the widget
 * sends is parsed with the zod schemas below before anything else happens.
 * docs/protocol.md describes the guarantees and the event table.
 */

export const visitorNamespace = "/visitor" as const;

/** How many messages one resync page holds at most. */
export const resyncPageSize = 100 as const;

/** A client-generated message id: 8–64 URL-safe characters, unique per message. */
export const ClientId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "must be 8–64 characters of A–Z a–z 0–9 _ -");

export const VisitorUser = z.object({
  id: text(200).optional(),
  name: text(200).nullable().optional(),
  email: Email.nullable().optional(),
  phone: Phone.nullable().optional(),
  hash: text(200).optional(),
});
export type VisitorUser = z.infer<typeof VisitorUser>;

/**
 * `socket.handshake.auth`. Without a (valid) visitor token the relay issues a new visitor. A
 * `user` that does not parse as VisitorUser (or fails verification) is ignored: the visitor
 * connects anonymously rather than not at all.
 */
export const HandshakeAuth = z.object({
  siteKey: text(200),
  visitorToken: z.string().max(200).optional().catch(undefined),
  user: z.unknown().optional(),
});
export type HandshakeAuth = { siteKey: string; visitorToken?: string; user?: VisitorUser };

const ConversationId = z.string().startsWith("conv_").max(64);
const Seq = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const SendPayload = z.object({
  clientId: ClientId,
  /** The conversation to continue; null or absent starts one (or continues the visitor's open one). */
  conversationId: ConversationId.nullable().optional(),
  message: TypedMessageInput,
});
export const ResyncPayload = z.object({ conversationId: ConversationId, afterSeq: Seq });
export const TypingPayload = z.object({ conversationId: ConversationId, typing: z.boolean() });
export const ReadPayload = z.object({ conversationId: ConversationId, seq: Seq });
/** A rating of the visitor's solved or closed conversation (CONTRACT §10). */
export const RatePayload = z.object({
  conversationId: ConversationId,
  score: z.number().int().min(1).max(5),
  comment: text(1000).nullable().optional(),
});
/**
 * The transcript by email (CONTRACT §9). `email`: the visitor's address, stored on the contact
 * first when the contact has none (the widget asks for it then); the transcript goes to the
 * contact's address.
 */
export const TranscriptPayload = z.object({ conversationId: ConversationId, email: Email.optional() });
export type TranscriptPayload = z.infer<typeof TranscriptPayload>;
export const GetMessagePayload = z.object({ messageId: z.string().startsWith("msg_").max(64) });
export type SendPayload = z.infer<typeof SendPayload>;
export type ResyncPayload = z.infer<typeof ResyncPayload>;
export type TypingPayload = z.infer<typeof TypingPayload>;
export type ReadPayload = z.infer<typeof ReadPayload>;
export type GetMessagePayload = z.infer<typeof GetMessagePayload>;
/** `page`: the page the visitor is on (on connect and on every navigation, throttled); CONTRACT §8. */
export const PagePayload = PageView;
export type PagePayload = z.input<typeof PageView>;
export type RatePayload = z.infer<typeof RatePayload>;

/** What a visitor may know about its conversation: never assignee, tags, metadata or notes. */
export interface VisitorConversation {
  id: string;
  status: "open" | "waiting" | "solved" | "closed";
  lastSeq: number;
  readUpTo: { contact: number; agent: number };
  /** The visitor's rating since the conversation was last solved or closed; null: not rated (CONTRACT §10). */
  rating: { score: number; comment: string | null; createdAt: string } | null;
}

/** A stored message, with the client id it was sent with when the visitor sent it from a widget. */
export type VisitorMessage = Message & { clientId?: string | null };

export type AckError = ErrorBody["error"];
/** Every acknowledgement: `{ ok: true, …result }` after commit, or `{ ok: false, error }` (the REST error envelope's inner object). */
export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; error: AckError };

export interface Welcome {
  /** The visitor token to keep; a new one when the handshake had none, an unknown one, or switched user. */
  visitorToken: string;
  visitorId: string;
  contactId: string | null;
  /** True when the handshake's `user` was accepted (verified by hash where the site requires it). */
  identified: boolean;
  site: PublicSiteConfig;
  /** The visitor's most recently updated conversation, so that a widget that lost it can resume. */
  conversationId: string | null;
}

export interface IdentifyResult {
  identified: boolean;
  contactId: string | null;
  /** Present when identifying as a different user switched to a new visitor: store it and reconnect. */
  visitorToken?: string;
}

/** Widget → relay: what each event carries, and what its acknowledgement answers on success. */
export interface VisitorRequests {
  send: { payload: SendPayload; result: { message: VisitorMessage; conversation: VisitorConversation } };
  resync: {
    payload: ResyncPayload;
    result: { conversation: VisitorConversation; messages: VisitorMessage[]; hasMore: boolean };
  };
  typing: { payload: TypingPayload; result: object };
  read: { payload: ReadPayload; result: { conversation: VisitorConversation } };
  identify: { payload: VisitorUser; result: IdentifyResult };
  "message.get": { payload: GetMessagePayload; result: { message: VisitorMessage } };
  page: { payload: PagePayload; result: object };
  rate: { payload: RatePayload; result: { conversation: VisitorConversation } };
  transcript: { payload: TranscriptPayload; result: { to: string } };
}
export type VisitorRequest = keyof VisitorRequests;

/** Widget → relay as socket.io's typed event map. Each takes an acknowledgement callback. */
export type VisitorClientEvents = {
  [E in VisitorRequest]: (
    payload: VisitorRequests[E]["payload"],
    ack: (res: Ack<VisitorRequests[E]["result"]>) => void,
  ) => void;
};

/** Relay → widget. Live events only reach sockets that resynced (or started) the conversation. */
export interface VisitorServerEvents {
  welcome(welcome: Welcome): void;
  /** A stored message (any sender) in a conversation this socket follows. */
  message(event: { message: VisitorMessage; conversation: VisitorConversation }): void;
  /** Text appended to a streamed message at `offset` (the length of its text before this delta). */
  "message.delta"(event: { conversationId: string; messageId: string; offset: number; text: string }): void;
  "message.completed"(event: { message: VisitorMessage }): void;
  /** Status, rating or read state changed. */
  conversation(event: { conversation: VisitorConversation }): void;
  /** Another tab of this visitor started a conversation: resync it. */
  "conversation.started"(event: { conversationId: string }): void;
  /** The agent side is typing (name of the agent or bot when known). */
  typing(event: { conversationId: string; typing: boolean; name: string | null }): void;
  /** A side has read up to `seq` (agent: show "seen"; contact: another tab of this visitor read). */
  read(event: { conversationId: string; side: "agent" | "contact"; seq: number }): void;
  /** The site's public config changed, `available` included (CONTRACT §8): the team came or went. */
  site(event: { site: PublicSiteConfig }): void;
  /**
   * This visitor was erased (`DELETE /v1/contacts/{id}`): the relay disconnects it right after.
   * The widget forgets its token, conversation and outbox, and starts again as a new visitor.
   */
  erased(event: Record<string, never>): void;
}

/**
 * Relay → inbox (socket.io namespace `/agent`, see inbox.ts): everything an agent's inbox hears
 * live, one shape per kind. The one list of agent events: the relay's translation table and the
 * inbox's handler table are both typed as total over it, so an event added here and not handled
 * there does not compile.
 */
export interface AgentEventMap {
  "conversation.created": { conversation: Conversation };
  "conversation.updated": { conversation: Conversation; changed: string[] };
  "conversation.closed": { conversation: Conversation };
  "message.created": { message: Message; conversation: Conversation };
  "message.completed": { message: Message };
  "message.appended": { conversationId: string; messageId: string; offset: number; text: string };
  typing: { conversationId: string; side: "agent" | "contact"; typing: boolean; name: string | null };
  read: { conversationId: string; side: "agent" | "contact"; seq: number };
  "contact.updated": { contact: Contact };
  /** A contact was erased with its conversations: the inbox drops them from its list and closes the open one. */
  "contact.deleted": { contactId: string; conversationIds: string[] };
  /** Closed conversations past their site's retention period were deleted: the inbox drops them too. */
  "conversations.expired": { conversationIds: string[] };
  /** A private note: its author's team only, never the visitor. A mentioned agent finds its id in `note.mentions`. */
  "note.created": { note: Note; conversation: Conversation };
  /** An agent changed, its availability included (CONTRACT §8): every inbox hears it. */
  "agent.updated": { agent: Agent };
}

export type AgentEventType = keyof AgentEventMap;

/** socket.io's typed event map for the `/agent` namespace (server → inbox). */
export type AgentServerToClient = { [K in AgentEventType]: (payload: AgentEventMap[K]) => void };

/** A handler for every agent event: a table of this type misses none. */
export type AgentEventHandlers = { [K in AgentEventType]: (payload: AgentEventMap[K]) => void };

/** Every agent event's name, at run time (the record's type makes the list complete). */
export const agentEventTypes = Object.keys({
  "conversation.created": true,
  "conversation.updated": true,
  "conversation.closed": true,
  "message.created": true,
  "message.completed": true,
  "message.appended": true,
  typing: true,
  read: true,
  "contact.updated": true,
  "contact.deleted": true,
  "conversations.expired": true,
  "note.created": true,
  "agent.updated": true,
} satisfies Record<AgentEventType, true>) as AgentEventType[];
