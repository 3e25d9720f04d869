import { batch, signal } from "@preact/signals";
import type { Conversation, Message, PatchConversationBody, TypedMessageInput } from "../../shared/schemas/index.ts";
import { applyDelta, mergeMessages, missingAfter } from "../../shared/timeline.ts";
import { typingTimings } from "../../shared/typing.ts";
import type { Api } from "../api/client.ts";
import { createNotes } from "./notes.ts";

interface MessagePage {
  items: Message[];
  total: number;
  hasMore: boolean;
}

export const HISTORY_PAGE = 30;

/**
 * One open conversation: its newest page of history first, older pages on demand, live
 * messages merged by seq (a gap is fetched), the visitor's typing, and the agent's actions.
 * Merging, streamed deltas and gaps follow the rules the widget follows (shared/timeline.ts).
 */
export function createThread(api: Api, id: string) {
  const conversation = signal<Conversation | null>(null);
  const messages = signal<Message[]>([]);
  const hasOlder = signal(false);
  const loadingOlder = signal(false);
  const error = signal<string | null>(null);
  /** The visitor's name (or "") while they type; null when they do not. */
  const contactTyping = signal<string | null>(null);
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  let disposed = false;
  /** The private notes, shown in the timeline at their afterSeq. */
  const notes = createNotes(api, id);
  /** Messages being fetched again after a delta found text missing. */
  const refetching = new Set<string>();

  const path = `/v1/conversations/${encodeURIComponent(id)}`;
  const lastSeq = () => messages.value[messages.value.length - 1]?.seq ?? 0;

  async function load(): Promise<void> {
    error.value = null;
    void notes.load().catch(() => {});
    try {
      const [conv, page] = await Promise.all([
        api.get<Conversation>(path),
        api.get<MessagePage>(`${path}/messages`, { limit: HISTORY_PAGE }),
      ]);
      if (disposed) return;
      batch(() => {
        conversation.value = conv;
        messages.value = mergeMessages(messages.value, page.items);
        hasOlder.value = page.hasMore;
      });
    } catch (err) {
      if (!disposed) error.value = (err as Error).message;
    }
  }

  async function loadOlder(): Promise<void> {
    const oldest = messages.value[0]?.seq;
    if (loadingOlder.value || !hasOlder.value || oldest === undefined) return;
    loadingOlder.value = true;
    try {
      const page = await api.get<MessagePage>(`${path}/messages`, { limit: HISTORY_PAGE, before: oldest });
      if (disposed) return;
      batch(() => {
        messages.value = mergeMessages(messages.value, page.items);
        hasOlder.value = page.hasMore;
      });
    } catch (err) {
      error.value = (err as Error).message;
    } finally {
      loadingOlder.value = false;
    }
  }

  /** Loads older pages until the message `seq` is held (a search result deep in the history). */
  async function reveal(seq: number): Promise<boolean> {
    for (let guard = 0; guard < 1000; guard++) {
      const oldest = messages.value[0]?.seq;
      if (oldest !== undefined && oldest <= seq) return messages.value.some((m) => m.seq === seq);
      if (!hasOlder.value || disposed) return false;
      await loadOlder();
      if (error.value) return false;
    }
    return false;
  }

  /** Everything after `from` (by default the last seq held): after a gap or a reconnect. */
  async function catchUp(from: number = lastSeq()): Promise<void> {
    void notes.load().catch(() => {});
    try {
      let after = from;
      for (let guard = 0; guard < 50; guard++) {
        const page = await api.get<MessagePage>(`${path}/messages`, { limit: 100, after });
        if (disposed) return;
        messages.value = mergeMessages(messages.value, page.items);
        if (!page.hasMore || page.items.length === 0) break;
        after = Math.max(...page.items.map((m) => m.seq));
      }
      conversation.value = await api.get<Conversation>(path);
    } catch (err) {
      if (!disposed) error.value = (err as Error).message;
    }
  }

  function receive(message: Message): void {
    const held = messages.value;
    messages.value = mergeMessages(held, [message]);
    if (message.sender.type === "contact") setContactTyping(false, null);
    // Counted from the oldest page held: older pages are not missing, only later ones can be.
    const from = held.length > 0 ? missingAfter(messages.value, message.seq, held[0]!.seq - 1) : null;
    if (from !== null) void catchUp(from);
  }

  /** Streamed text at its offset; a delta after missing text (or for an unknown message) fetches the message again. */
  function appendText(messageId: string, offset: number, text: string): void {
    const { messages: next, gap } = applyDelta(messages.value, { messageId, offset, text });
    messages.value = next;
    if (gap) void refetch(messageId);
  }

  /** The stored copy of one held message (merged: it never replaces a longer or completed copy); else whatever is new. */
  async function refetch(messageId: string): Promise<void> {
    // Nothing held yet: the first page, still loading, brings it. One fetch per message at a time.
    if (messages.value.length === 0 || refetching.has(messageId)) return;
    refetching.add(messageId);
    try {
      const held = messages.value.find((m) => m.id === messageId);
      if (!held) return await catchUp();
      const page = await api.get<MessagePage>(`${path}/messages`, { limit: 1, after: held.seq - 1 });
      if (!disposed) messages.value = mergeMessages(messages.value, page.items);
    } catch (err) {
      if (!disposed) error.value = (err as Error).message;
    } finally {
      refetching.delete(messageId);
    }
  }

  function setConversation(c: Conversation): void {
    if (conversation.value && conversation.value.updatedAt > c.updatedAt) return;
    conversation.value = c;
  }

  function setContactTyping(typing: boolean, name: string | null): void {
    clearTimeout(typingTimer);
    contactTyping.value = typing ? (name ?? "") : null;
    if (typing) typingTimer = setTimeout(() => (contactTyping.value = null), typingTimings.shownMs);
  }

  function setReadUpTo(seq: number): void {
    const c = conversation.value;
    if (c && c.readUpTo.agent < seq) conversation.value = { ...c, readUpTo: { ...c.readUpTo, agent: seq } };
  }

  /** Reports that the agents have read everything shown; answers the seq reported, or null. */
  async function reportRead(): Promise<number | null> {
    const c = conversation.value;
    const seq = lastSeq();
    if (!c || seq <= c.readUpTo.agent) return null;
    setReadUpTo(seq);
    await api.send("POST", `${path}/read`, { seq }).catch(() => {});
    return seq;
  }

  async function send(input: TypedMessageInput, uniqueId: string): Promise<Message> {
    const message = await api.send<Message>("POST", `${path}/messages`, { ...input, uniqueId });
    receive(message);
    return message;
  }

  async function update(patch: PatchConversationBody): Promise<Conversation> {
    const c = await api.send<Conversation>("PATCH", path, patch);
    setConversation(c);
    return c;
  }

  async function setTag(tag: string, present: boolean): Promise<Conversation> {
    const c = await api.send<Conversation>(present ? "PUT" : "DELETE", `${path}/tags/${encodeURIComponent(tag)}`);
    setConversation(c);
    return c;
  }

  function sendTyping(typing: boolean): Promise<void> {
    return api.send<void>("POST", `${path}/typing`, { typing }).catch(() => {});
  }

  function dispose(): void {
    disposed = true;
    clearTimeout(typingTimer);
  }

  return {
    id,
    conversation,
    messages,
    hasOlder,
    loadingOlder,
    error,
    contactTyping,
    notes,
    load,
    loadOlder,
    reveal,
    catchUp,
    receive,
    appendText,
    setConversation,
    setContactTyping,
    setReadUpTo,
    reportRead,
    send,
    update,
    setTag,
    sendTyping,
    dispose,
  };
}

export type Thread = ReturnType<typeof createThread>;
