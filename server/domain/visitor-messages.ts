import type { VisitorMessage } from "../../shared/protocol.ts";
import type { Message } from "../../shared/schemas/index.ts";
import type { ConversationRow, MessageRow } from "../store/tables.ts";
import { messageView } from "./views.ts";

/**
 * A widget's client ids: a message sent from the widget is stored under the key `widget:<clientId>`;
 * the message that started a conversation carries its client id in the conversation's uniqueId
 * (`widget:<visitorId>:<clientId>`). The widget gets its client id back with every message.
 */
const uniqueIdPrefix = "widget:";
export const conversationUniqueId = (visitorId: string, clientId: string) =>
  `${uniqueIdPrefix}${visitorId}:${clientId}`;
export const messageKey = (clientId: string) => `${uniqueIdPrefix}${clientId}`;

type KeyedMessage = Pick<MessageRow, "sender_type" | "idempotency_key" | "seq">;

/** The client id a widget sent this message with. */
function clientIdOf(row: KeyedMessage, conversationUniqueId: string | null): string | null {
  if (row.sender_type !== "contact") return null;
  if (row.idempotency_key?.startsWith(uniqueIdPrefix)) return row.idempotency_key.slice(uniqueIdPrefix.length);
  if (Number(row.seq) === 1 && conversationUniqueId?.startsWith(uniqueIdPrefix))
    return conversationUniqueId.split(":")[2] ?? null;
  return null;
}

export function visitorMessageOf(row: MessageRow, conversation: Pick<ConversationRow, "unique_id">): VisitorMessage {
  return { ...messageView(row), clientId: clientIdOf(row, conversation.unique_id) };
}

/** A just stored message (a `message.created` event: its key and its conversation's uniqueId) with its client id. */
export function withClientId(
  message: Message,
  idempotencyKey: string | null | undefined,
  uniqueId: string | null,
): VisitorMessage {
  const row = { sender_type: message.sender.type, idempotency_key: idempotencyKey ?? null, seq: message.seq };
  return { ...message, clientId: clientIdOf(row, uniqueId) };
}
