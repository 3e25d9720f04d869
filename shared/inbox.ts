import type { Agent, Conversation, Contact, Message } from "./schemas/index.ts";

/**
 * What the inbox and the relay agree on: the CSRF header that cookie-authenticated writes carry,
 * and the events the `/agent` socket namespace sends.
 */

/**
 * A state-changing request authenticated by the session cookie must carry this header with the
 * value "1". A cross-site form cannot set a header, and cross-origin scripts are refused it by
 * CORS, so its presence proves the request came from the inbox itself.
 */
export const csrfHeader = "X-Parley-CSRF";

/** Sign in, read the current agent, sign out. */
export const sessionPath = "/v1/inbox/session";

/** The socket.io namespace the inbox listens on. */
export const agentNamespace = "/agent";

/** Everything an agent's inbox hears live, one shape per kind. */
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
  /** An agent changed, its availability included (CONTRACT §8): every inbox hears it. */
  "agent.updated": { agent: Agent };
}

export type AgentEventType = keyof AgentEventMap;

/** socket.io's typed event map for the `/agent` namespace (server → inbox). */
export type AgentServerToClient = { [K in AgentEventType]: (payload: AgentEventMap[K]) => void };
