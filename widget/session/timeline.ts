import type { VisitorMessage } from "../../shared/protocol.ts";
import type { ViewMessage } from "./types.ts";
import type { OutboxItem } from "./outbox.ts";

/**
 * The conversation as the widget holds it: stored messages by seq, merged from acks, live
 * events and resync pages in any order and any number of times. Pure functions, no I/O.
 */

const textOf = (m: VisitorMessage) => (typeof m.content.text === "string" ? m.content.text : "");

/** Which of two copies of one message to keep: complete beats streaming, a longer stream beats a shorter one. */
function fresher(held: VisitorMessage, incoming: VisitorMessage): VisitorMessage {
  if (held.state === "complete" && incoming.state === "streaming") return held;
  if (held.state === "streaming" && incoming.state === "streaming" && textOf(incoming).length < textOf(held).length)
    return held;
  return { ...incoming, clientId: incoming.clientId ?? held.clientId ?? null };
}

/** Merges by seq, ascending, without duplicates. */
export function mergeMessages(held: VisitorMessage[], incoming: VisitorMessage[]): VisitorMessage[] {
  if (incoming.length === 0) return held;
  const bySeq = new Map(held.map((m) => [m.seq, m]));
  for (const m of incoming) {
    const current = bySeq.get(m.seq);
    bySeq.set(m.seq, current && current.id === m.id ? fresher(current, m) : m);
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** The highest seq up to which nothing is missing (the resync cursor). */
export function contiguousSeq(held: VisitorMessage[]): number {
  let seq = 0;
  for (const m of held) {
    if (m.seq === seq + 1) seq = m.seq;
    else if (m.seq > seq + 1) break;
  }
  return seq;
}

export interface Delta {
  messageId: string;
  offset: number;
  text: string;
}

/**
 * Applies streamed text at its offset. `gap` when the message is unknown or text before the
 * offset is missing: the caller fetches the whole message instead.
 */
export function applyDelta(held: VisitorMessage[], delta: Delta): { messages: VisitorMessage[]; gap: boolean } {
  const i = held.findIndex((m) => m.id === delta.messageId);
  const m = held[i];
  if (!m) return { messages: held, gap: true };
  if (m.state !== "streaming") return { messages: held, gap: false };
  const current = textOf(m);
  if (delta.offset > current.length) return { messages: held, gap: true };
  if (delta.offset + delta.text.length <= current.length) return { messages: held, gap: false };
  const next = held.slice();
  next[i] = { ...m, content: { ...m.content, text: current.slice(0, delta.offset) + delta.text } };
  return { messages: next, gap: false };
}

/** Agent, bot and system messages after the visitor's read marker. */
export function unreadCount(held: VisitorMessage[], readUpTo: number): number {
  return held.filter((m) => m.sender.type !== "contact" && m.seq > readUpTo).length;
}

/** Stored messages by seq, then what the visitor sent that is not stored yet (pending, then refused). */
export function viewOf(
  held: VisitorMessage[],
  pending: OutboxItem[],
  failed: OutboxItem[],
  readByAgent: number,
  conversationId: string | null,
): ViewMessage[] {
  const storedIds = new Set(held.map((m) => m.clientId).filter(Boolean));
  const view: ViewMessage[] = held.map((m) => ({
    key: m.id,
    clientId: m.clientId ?? null,
    message: m,
    delivery: "sent",
    seen: readByAgent >= m.seq,
  }));
  const unsent = (item: OutboxItem, delivery: "sending" | "failed"): ViewMessage => ({
    key: item.clientId,
    clientId: item.clientId,
    delivery,
    seen: false,
    message: {
      id: item.clientId,
      conversationId: conversationId ?? "",
      seq: 0,
      sender: { type: "contact", id: null, name: null },
      type: item.message.type,
      content: item.message.content,
      state: "complete",
      createdAt: item.createdAt,
    },
  });
  for (const item of pending) if (!storedIds.has(item.clientId)) view.push(unsent(item, "sending"));
  for (const item of failed) if (!storedIds.has(item.clientId)) view.push(unsent(item, "failed"));
  return view;
}
