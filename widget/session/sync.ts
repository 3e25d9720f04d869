import { batch, computed, signal } from "@preact/signals";
import type { VisitorConversation, VisitorMessage, Welcome } from "../../shared/protocol.ts";
import type { Message } from "../../shared/schemas/message.ts";
import type { Connection } from "./connection.ts";
import type { SiteStorage } from "./storage.ts";
import type { Typing } from "./typing.ts";
import { TRANSIENT, type Unsent } from "./outbox.ts";
import { applyDelta, contiguousSeq, mergeMessages, unreadCount, viewOf } from "../../shared/timeline.ts";

/**
 * The conversation this tab follows, held by seq: merged from acknowledgements, live events and
 * resync pages (the pure rules are in shared/timeline.ts, imported here only), and fetched again after
 * every (re)connect or noticed gap, by seq, so that nothing is missing and nothing doubles.
 */
export function createSync(link: Connection, store: SiteStorage, typing: Typing, unsent: Unsent) {
  const conversationId = signal<string | null>(store.get("conversation"));
  const conversationStatus = signal<VisitorConversation["status"] | null>(null);
  /** Whether the visitor rated the current conversation since it was last solved or closed. */
  const rated = signal(false);
  const stored = signal<VisitorMessage[]>([]);
  const readUpTo = signal({ contact: 0, agent: 0 });
  const messages = computed(() =>
    viewOf(
      stored.value,
      [...unsent.handedOver.value.map((h) => h.item), ...unsent.pending.value],
      unsent.failed.value,
      readUpTo.value.agent,
      conversationId.value,
    ),
  );
  const unread = computed(() => unreadCount(stored.value, readUpTo.value.contact));

  const handlers = new Set<(m: Message) => void>();
  /** Agent messages already told to onMessage handlers (history loaded at start counts as told). */
  const told = new Set<string>();
  let historyLoaded = false;
  /** Resync requests started so far: a hand-over noticed after round r is settled by a resync of a later round. */
  let round = 0;

  /**
   * Tells the handlers of every complete agent or bot message held without a gap before it, in
   * seq order: a live event that overtook an earlier message (lost between nodes, fetched by the
   * resync it starts) waits for it, so the page hears them in the conversation's order.
   */
  function tell() {
    const upTo = contiguousSeq(stored.value);
    for (const m of stored.value) {
      if (m.seq > upTo) break;
      if (m.sender.type === "contact" || m.state !== "complete" || told.has(m.id)) continue;
      told.add(m.id);
      if (historyLoaded) for (const h of handlers) h(m);
    }
  }

  function merge(list: VisitorMessage[]) {
    stored.value = mergeMessages(stored.value, list);
    tell();
    if (list.some((m) => m.sender.type !== "contact")) typing.show(null);
  }

  /** Takes the conversation's state; true when it holds a seq this tab is missing. */
  function takeState(c: VisitorConversation): boolean {
    if (c.id !== conversationId.value) return false;
    batch(() => {
      conversationStatus.value = c.status;
      rated.value = !!c.rating;
      const r = readUpTo.value;
      if (c.readUpTo.contact > r.contact || c.readUpTo.agent > r.agent) {
        readUpTo.value = {
          contact: Math.max(r.contact, c.readUpTo.contact),
          agent: Math.max(r.agent, c.readUpTo.agent),
        };
      }
    });
    return c.lastSeq > contiguousSeq(stored.value);
  }

  function applyState(c: VisitorConversation) {
    // Something is missing (a live event lost between nodes, or a reconnect): fetch it.
    if (takeState(c)) void resync();
  }

  function follow(id: string | null) {
    if (id === conversationId.value) return;
    batch(() => {
      conversationId.value = id;
      conversationStatus.value = null;
      rated.value = false;
      stored.value = [];
      readUpTo.value = { contact: 0, agent: 0 };
      typing.agentTyping.value = null;
      if (!id) unsent.handedOver.value = [];
    });
    store.set("conversation", id);
  }

  let resyncing: Promise<void> | null = null;
  let resyncAgain = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * Everything after the last seq held without a gap, page by page; runs once at a time. A resync
   * asked for meanwhile (a reconnect: the new socket hears the conversation only once it resynced)
   * runs after it, whatever became of this one; one whose request failed while still online (the
   * relay too slow) goes again in 5–10 s. A gap is always filled, and never forgotten.
   */
  function resync(): Promise<void> {
    if (resyncing) {
      resyncAgain = true;
      return resyncing;
    }
    clearTimeout(retryTimer);
    resyncing = (async () => {
      do {
        resyncAgain = false;
        if (!(await catchUp()) && !resyncAgain && link.online())
          retryTimer = setTimeout(() => void resync(), 5_000 + Math.random() * 5_000);
      } while (resyncAgain);
    })().finally(() => {
      resyncing = null;
      // Asked for between the last round and now (an acknowledgement's microtask): not lost.
      if (resyncAgain) void resync();
    });
    return resyncing;
  }

  /** One catch-up, page by page: false when a request got no answer, or a refusal a later try may not meet. */
  async function catchUp(): Promise<boolean> {
    for (;;) {
      const id = conversationId.value;
      // Offline: the next welcome catches up.
      if (!id || !link.online()) return true;
      const started = ++round;
      const ack = await link
        .call("resync", { conversationId: id, afterSeq: contiguousSeq(stored.value) })
        .catch(() => null);
      // Another conversation followed meanwhile: whoever followed it asked for its resync.
      if (id !== conversationId.value) return true;
      if (!ack) return false;
      if (!ack.ok) {
        if (ack.error.code === "not_found") follow(null);
        return !TRANSIENT.has(ack.error.code);
      }
      merge(ack.messages);
      // Not applyState: the pages themselves fill what is missing up to the last one.
      takeState(ack.conversation);
      if (ack.hasMore) continue;
      // Everything stored is held now: a handed-over item still missing was refused by the tab that sent it.
      const held = new Set(stored.value.map((m) => m.clientId));
      unsent.handedOver.value = unsent.handedOver.value.filter((h) => h.round >= started && !held.has(h.item.clientId));
      historyLoaded = true;
      return true;
    }
  }

  link.on("message", (e) => {
    if (e.message.conversationId !== conversationId.value) return;
    merge([e.message]);
    applyState(e.conversation);
  });
  link.on("message.delta", (e) => {
    if (e.conversationId !== conversationId.value) return;
    const { messages: next, gap } = applyDelta(stored.value, e);
    stored.value = next;
    if (gap) {
      void link
        .call("message.get", { messageId: e.messageId })
        .then((ack) => ack.ok && ack.message.conversationId === conversationId.value && merge([ack.message]))
        .catch(() => {});
    }
  });
  link.on("message.completed", (e) => {
    if (e.message.conversationId === conversationId.value) merge([e.message]);
  });
  link.on("conversation", (e) => applyState(e.conversation));
  link.on("conversation.started", (e) => {
    follow(e.conversationId);
    void resync();
  });
  link.on("read", (e) => {
    if (e.conversationId !== conversationId.value) return;
    const r = readUpTo.value;
    if (e.seq > r[e.side]) readUpTo.value = { ...r, [e.side]: e.seq };
  });

  return {
    conversationId,
    conversationStatus,
    rated,
    applyState,
    stored,
    messages,
    unread,
    follow,
    resync,
    /** Resync requests started so far. */
    round: () => round,
    /** A send was acknowledged: the conversation it went to (maybe a new one) and the stored message. */
    accepted(ack: { message: VisitorMessage; conversation: VisitorConversation }) {
      if (ack.conversation.id !== conversationId.value) historyLoaded = true;
      follow(ack.conversation.id);
      merge([ack.message]);
      applyState(ack.conversation);
    },
    /** In the welcome's batch: a new visitor does not own the old conversation; the relay may name the current one. */
    welcomed(w: Welcome, previousToken: string | null) {
      // A new visitor (the old token was unknown, or another user signed in) does not own the old conversation.
      if (previousToken && previousToken !== w.visitorToken) follow(null);
      if (!conversationId.value && w.conversationId) follow(w.conversationId);
    },
    /** Online: catch up. Without a conversation there is no history: every agent message from now on is news. */
    caughtUp() {
      if (!conversationId.value) historyLoaded = true;
      void resync();
    },
    markAllRead() {
      const id = conversationId.value;
      const last = stored.value.at(-1)?.seq ?? 0;
      if (!id || last <= readUpTo.value.contact) return;
      readUpTo.value = { ...readUpTo.value, contact: last };
      if (link.online()) void link.call("read", { conversationId: id, seq: last }).catch(() => {});
    },
    onMessage(handler: (message: Message) => void) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    /** Forgets what was told (shutdown); the caller follows null in its batch. */
    forget() {
      clearTimeout(retryTimer);
      told.clear();
      historyLoaded = false;
    },
  };
}

export type Sync = ReturnType<typeof createSync>;
