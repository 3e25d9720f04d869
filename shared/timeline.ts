import type { Message, TypedMessageInput } from "./schemas/message.ts";

/**
 * One conversation's timeline, as the widget and the inbox both hold it: stored messages by seq,
 * merged from acks, live events and history pages in any order and any number of times, grown by
 * streamed deltas, with the gaps to fetch. Pure functions, no I/O: the one place these rules live.
 */

/** A stored message, with the client id it was sent with when a widget sent it (the inbox has none). */
export type TimelineMessage = Message & { clientId?: string | null };

const textOf = (m: Message) => (typeof m.content.text === "string" ? m.content.text : "");

/** Which of two copies of one message to keep: complete beats streaming, a longer stream beats a shorter one. */
function fresher<M extends TimelineMessage>(held: M, incoming: M): M {
  if (held.state === "complete" && incoming.state === "streaming") return held;
  if (held.state === "streaming" && incoming.state === "streaming" && textOf(incoming).length < textOf(held).length)
    return held;
  const clientId = incoming.clientId ?? held.clientId;
  return clientId == null ? incoming : { ...incoming, clientId };
}

/**
 * Merges by seq, ascending, without duplicates. Two copies of one message never go back in time:
 * a history page that raced `message.completed` cannot turn the message back into a partial stream.
 */
export function mergeMessages<M extends TimelineMessage>(held: M[], incoming: M[]): M[] {
  if (incoming.length === 0) return held;
  const bySeq = new Map(held.map((m) => [m.seq, m]));
  for (const m of incoming) {
    const current = bySeq.get(m.seq);
    bySeq.set(m.seq, current && current.id === m.id ? fresher(current, m) : m);
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/**
 * The highest seq up to which nothing is missing, counting from `base`: 0 when the history is held
 * from its start (the widget), the seq before the oldest page held otherwise (the inbox).
 */
export function contiguousSeq(held: TimelineMessage[], base = 0): number {
  let seq = base;
  for (const m of held) {
    if (m.seq === seq + 1) seq = m.seq;
    else if (m.seq > seq + 1) break;
  }
  return seq;
}

/**
 * The gap rule: when the conversation is known to reach `lastSeq` but the messages held stop
 * short of it, the seq to fetch after; null when nothing is missing.
 */
export function missingAfter(held: TimelineMessage[], lastSeq: number, base = 0): number | null {
  const seq = contiguousSeq(held, base);
  return lastSeq > seq ? seq : null;
}

export interface Delta {
  messageId: string;
  offset: number;
  text: string;
}

/**
 * Applies streamed text at its offset (a repeated or overlapping delta changes nothing twice).
 * `gap` when the message is unknown or text before the offset is missing: the caller fetches the
 * whole message instead. A completed message ignores deltas.
 */
export function applyDelta<M extends TimelineMessage>(held: M[], delta: Delta): { messages: M[]; gap: boolean } {
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
export function unreadCount(held: TimelineMessage[], readUpTo: number): number {
  return held.filter((m) => m.sender.type !== "contact" && m.seq > readUpTo).length;
}

/** A message the visitor sent that is not stored yet (the widget's outbox item). */
export interface UnsentMessage {
  clientId: string;
  message: TypedMessageInput;
  createdAt: string;
}

/** A message as the widget shows it: stored ones by seq, then the visitor's unsent ones. */
export interface TimelineEntry {
  /** msg_… once stored; the client id while pending. */
  key: string;
  clientId: string | null;
  /** The stored message; while not stored yet, a stand-in with `id` = client id, `seq` 0 and the visitor as sender. */
  message: Message;
  /** "sending" until the relay acknowledged it as stored; "failed" only if it was refused (never for offline). */
  delivery: "sending" | "sent" | "failed";
  /** Agent side has read it (readUpTo.agent >= seq). */
  seen: boolean;
}

/** Stored messages by seq, then what the visitor sent that is not stored yet (pending, then refused). */
export function viewOf(
  held: TimelineMessage[],
  pending: UnsentMessage[],
  failed: UnsentMessage[],
  readByAgent: number,
  conversationId: string | null,
): TimelineEntry[] {
  const storedIds = new Set(held.map((m) => m.clientId).filter(Boolean));
  const view: TimelineEntry[] = held.map((m) => ({
    key: m.id,
    clientId: m.clientId ?? null,
    message: m,
    delivery: "sent",
    seen: readByAgent >= m.seq,
  }));
  const unsent = (item: UnsentMessage, delivery: "sending" | "failed"): TimelineEntry => ({
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
