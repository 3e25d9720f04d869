import type { Conversation, Message } from "../../shared/schemas/index.ts";

/** A conversation as the API returns it, with overrides. */
export function conversation(over: Partial<Conversation> = {}): Conversation {
  return {
    id: "conv_a",
    siteId: "site_1",
    status: "open",
    priority: "normal",
    channel: "widget",
    topic: null,
    summary: null,
    queue: null,
    assignee: null,
    tags: [],
    metadata: {},
    contact: { id: "ct_1", name: "Ann", email: null, phone: null, externalId: null },
    uniqueId: null,
    createdAt: "2026-01-01T10:00:00.000Z",
    updatedAt: "2026-01-01T10:00:00.000Z",
    firstResponseAt: null,
    closedAt: null,
    rating: null,
    lastMessage: null,
    readUpTo: { contact: 0, agent: 0 },
    visitor: null,
    ...over,
  };
}

export function message(seq: number, over: Partial<Message> = {}): Message {
  return {
    id: `msg_${seq}`,
    conversationId: "conv_a",
    seq,
    sender: { type: "contact", id: "ct_1", name: null },
    type: "text",
    content: { text: `message ${seq}` },
    state: "complete",
    createdAt: `2026-01-01T10:00:${String(seq % 60).padStart(2, "0")}.000Z`,
    ...over,
  };
}
