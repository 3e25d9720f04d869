import { batch, computed, signal } from "@preact/signals";
import type { Ack, VisitorClientEvents, VisitorConversation, VisitorMessage, Welcome } from "../../shared/protocol.ts";
import type { Message, TypedMessageInput } from "../../shared/schemas/message.ts";
import type { PublicSiteConfig } from "../../shared/schemas/site.ts";
import type { ConnectionState, Session, SessionOptions, VisitorUser } from "./types.ts";
import { defaultStorage, siteStorage } from "./storage.ts";
import { handOver, Outbox, type HandedOver, type OutboxItem } from "./outbox.ts";
import { applyDelta, contiguousSeq, mergeMessages, unreadCount, viewOf } from "../../shared/timeline.ts";
import { typingTimings } from "../../shared/typing.ts";
import { openRelay, withLock, type RelaySocket } from "./connection.ts";
import { UploadError, uploadFile } from "./upload.ts";

export type { Session, SessionOptions, ViewMessage, VisitorUser, ConnectionState } from "./types.ts";

const ACK_TIMEOUT_MS = 15_000;
const TYPING_SHOWN_MS = typingTimings.shownMs;
const TYPING_RESEND_MS = typingTimings.resendMs;
/** Handshake refusals that retrying cannot fix. */
const FATAL = new Set(["not_found", "forbidden", "bad_request"]);

/**
 * The widget's realtime session (see types.ts for the contract with the UI and
 * docs/protocol.md for the protocol): one socket per tab; every send goes through the stored
 * outbox, flushed in order by one tab at a time; every (re)connect resyncs by seq.
 */
export function createSession(opts: SessionOptions): Session {
  const store = siteStorage(opts.storage ?? defaultStorage(), opts.siteKey);
  const outbox = new Outbox(store);
  let user: VisitorUser | undefined = opts.user;

  const connection = signal<ConnectionState>("idle");
  const site = signal<PublicSiteConfig | null>(null);
  const conversationId = signal<string | null>(store.get("conversation"));
  const conversationStatus = signal<VisitorConversation["status"] | null>(null);
  const stored = signal<VisitorMessage[]>([]);
  const pending = signal<OutboxItem[]>(outbox.items());
  /** Sent by another tab, not held here yet: still shown as sending (see handOver). */
  const handedOver = signal<HandedOver[]>([]);
  const failed = signal<OutboxItem[]>([]);
  const readUpTo = signal({ contact: 0, agent: 0 });
  const agentTyping = signal<string | null>(null);
  const messages = computed(() =>
    viewOf(
      stored.value,
      [...handedOver.value.map((h) => h.item), ...pending.value],
      failed.value,
      readUpTo.value.agent,
      conversationId.value,
    ),
  );
  const unread = computed(() => unreadCount(stored.value, readUpTo.value.contact));

  const handlers = new Set<(m: Message) => void>();
  /** Agent messages already told to onMessage handlers (history loaded at start counts as told). */
  const told = new Set<string>();
  let historyLoaded = false;
  let socket: RelaySocket | null = null;
  let started = false;
  let welcomed = false;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let releaseTokenLock: (() => void) | undefined;
  let lastTyping = { typing: false, at: 0 };
  /** Resync requests started so far: a hand-over noticed after round r is settled by a resync of a later round. */
  let syncRound = 0;

  /* eslint-disable @typescript-eslint/no-explicit-any -- to be typed end to end with the session split */
  const call = <E extends keyof VisitorClientEvents>(
    event: E,
    payload: Parameters<VisitorClientEvents[E]>[0],
  ): Promise<Ack<any>> => (socket!.timeout(ACK_TIMEOUT_MS) as any).emitWithAck(event, payload);
  /* eslint-enable @typescript-eslint/no-explicit-any */
  const online = () => !!socket?.connected && welcomed;

  function tell(list: VisitorMessage[]) {
    for (const m of list) {
      if (m.sender.type === "contact" || m.state !== "complete" || told.has(m.id)) continue;
      told.add(m.id);
      if (historyLoaded) for (const h of handlers) h(m);
    }
  }

  function merge(list: VisitorMessage[]) {
    stored.value = mergeMessages(stored.value, list);
    tell(list);
    if (list.some((m) => m.sender.type !== "contact")) showTyping(null);
  }

  function applyState(c: VisitorConversation) {
    if (c.id !== conversationId.value) return;
    batch(() => {
      conversationStatus.value = c.status;
      const r = readUpTo.value;
      if (c.readUpTo.contact > r.contact || c.readUpTo.agent > r.agent) {
        readUpTo.value = {
          contact: Math.max(r.contact, c.readUpTo.contact),
          agent: Math.max(r.agent, c.readUpTo.agent),
        };
      }
    });
    // Something is missing (a live event lost between nodes, or a reconnect): fetch it.
    if (c.lastSeq > contiguousSeq(stored.value)) void resync();
  }

  function follow(id: string | null) {
    if (id === conversationId.value) return;
    batch(() => {
      conversationId.value = id;
      conversationStatus.value = null;
      stored.value = [];
      readUpTo.value = { contact: 0, agent: 0 };
      agentTyping.value = null;
      if (!id) handedOver.value = [];
    });
    store.set("conversation", id);
  }

  function showTyping(name: string | null) {
    clearTimeout(typingTimer);
    agentTyping.value = name;
    if (name !== null) typingTimer = setTimeout(() => (agentTyping.value = null), TYPING_SHOWN_MS);
  }

  let resyncing: Promise<void> | null = null;
  let resyncAgain = false;
  /** Everything after the last seq held without a gap, page by page; runs once at a time. */
  function resync(): Promise<void> {
    if (resyncing) {
      resyncAgain = true;
      return resyncing;
    }
    resyncing = (async () => {
      do {
        resyncAgain = false;
        for (;;) {
          const id = conversationId.value;
          if (!id || !online()) return;
          const round = ++syncRound;
          const ack = await call("resync", { conversationId: id, afterSeq: contiguousSeq(stored.value) }).catch(
            () => null,
          );
          if (!ack || id !== conversationId.value) return;
          if (!ack.ok) {
            if (ack.error.code === "not_found") follow(null);
            return;
          }
          merge(ack.messages);
          applyState(ack.conversation);
          if (!ack.hasMore) {
            // Everything stored is held now: a handed-over item still missing was refused by the tab that sent it.
            const held = new Set(stored.value.map((m) => m.clientId));
            handedOver.value = handedOver.value.filter((h) => h.round >= round && !held.has(h.item.clientId));
            break;
          }
        }
        historyLoaded = true;
      } while (resyncAgain);
    })().finally(() => (resyncing = null));
    return resyncing;
  }

  let flushing = false;
  let flushAgain = false;
  /** Sends the outbox in order, one item at a time, holding the origin-wide outbox lock. */
  async function flush(): Promise<void> {
    if (flushing) {
      flushAgain = true;
      return;
    }
    flushing = true;
    try {
      do {
        flushAgain = false;
        await withLock(`parley:${opts.siteKey}:outbox`, drainOutbox);
      } while (flushAgain && online());
    } finally {
      flushing = false;
    }
  }

  /**
   * Re-reads the shared outbox. What another tab took out of it stays shown as sending until
   * this tab holds the stored copy (live, or by the resync started here), so that it never
   * vanishes from this tab while this tab's socket catches up.
   */
  function refreshPending() {
    const now = outbox.items();
    const settled = new Set([
      ...stored.value.flatMap((m) => (m.clientId ? [m.clientId] : [])),
      ...failed.value.map((i) => i.clientId),
    ]);
    const before = handedOver.value;
    const next = handOver(before, pending.value, now, settled, syncRound);
    batch(() => {
      handedOver.value = next;
      pending.value = now;
    });
    if (next.some((h) => !before.includes(h))) void resync();
  }

  async function drainOutbox(): Promise<void> {
    for (;;) {
      refreshPending();
      const item = pending.value[0];
      if (!item || !online()) return;
      const ack = await call("send", {
        clientId: item.clientId,
        conversationId: conversationId.value,
        message: item.message,
      }).catch(() => null);
      // No answer (offline, timeout): the item stays and goes again on the next connect.
      if (!ack) return;
      if (
        !ack.ok &&
        (ack.error.code === "rate_limited" || ack.error.code === "internal_error" || ack.error.code === "unavailable")
      ) {
        retryLater(flush);
        return;
      }
      // The conversation is gone (erased, or not this visitor's): the message starts a new one.
      if (!ack.ok && ack.error.code === "not_found" && conversationId.value) {
        follow(null);
        continue;
      }
      outbox.remove(item.clientId);
      if (ack.ok) {
        if (ack.conversation.id !== conversationId.value) historyLoaded = true;
        follow(ack.conversation.id);
        merge([ack.message]);
        applyState(ack.conversation);
      } else {
        failed.value = [...failed.value, item];
      }
    }
  }

  function retryLater(fn: () => void) {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(fn, 5_000 + Math.random() * 5_000);
  }

  function onWelcome(w: Welcome) {
    const previous = store.get("visitor");
    store.set("visitor", w.visitorToken);
    releaseTokenLock?.();
    welcomed = true;
    batch(() => {
      site.value = w.site;
      // A new visitor (the old token was unknown, or another user signed in) does not own the old conversation.
      if (previous && previous !== w.visitorToken) follow(null);
      if (!conversationId.value && w.conversationId) follow(w.conversationId);
      connection.value = "online";
    });
    // Without a conversation there is no history: every agent message from now on is news.
    if (!conversationId.value) historyLoaded = true;
    void resync();
    void flush();
  }

  function open() {
    const s = openRelay(opts.baseUrl, () => ({
      siteKey: opts.siteKey,
      visitorToken: store.get("visitor") ?? undefined,
      ...(user ? { user } : {}),
    }));
    socket = s;
    s.on("welcome", onWelcome);
    s.on("disconnect", () => {
      welcomed = false;
      connection.value = "offline";
      showTyping(null);
    });
    s.on("connect_error", (err: Error & { data?: { code?: string } }) => {
      connection.value = "offline";
      // A refused handshake is not retried by socket.io itself; a transient one is, later.
      if (!s.active && !FATAL.has(err.data?.code ?? "")) retryLater(() => s.connect());
      if (!s.active) releaseTokenLock?.();
    });
    s.on("message", (e) => {
      if (e.message.conversationId !== conversationId.value) return;
      merge([e.message]);
      applyState(e.conversation);
    });
    s.on("message.delta", (e) => {
      if (e.conversationId !== conversationId.value) return;
      const { messages: next, gap } = applyDelta(stored.value, e);
      stored.value = next;
      if (gap) {
        void call("message.get", { messageId: e.messageId })
          .then((ack) => ack.ok && ack.message.conversationId === conversationId.value && merge([ack.message]))
          .catch(() => {});
      }
    });
    s.on("message.completed", (e) => {
      if (e.message.conversationId === conversationId.value) merge([e.message]);
    });
    s.on("conversation", (e) => applyState(e.conversation));
    s.on("conversation.started", (e) => {
      follow(e.conversationId);
      void resync();
    });
    s.on("typing", (e) => {
      if (e.conversationId === conversationId.value) showTyping(e.typing ? (e.name ?? "") : null);
    });
    s.on("read", (e) => {
      if (e.conversationId !== conversationId.value) return;
      const r = readUpTo.value;
      if (e.seq > r[e.side]) readUpTo.value = { ...r, [e.side]: e.seq };
    });
  }

  function send(input: TypedMessageInput) {
    outbox.add(input);
    refreshPending();
    void flush();
  }

  const onStorage = (e: StorageEvent) => {
    if (e.key === store.keys.outbox) refreshPending();
    if (e.key === store.keys.conversation && e.newValue && e.newValue !== conversationId.value) {
      follow(e.newValue);
      void resync();
    }
  };
  if (typeof window !== "undefined") window.addEventListener("storage", onStorage);

  return {
    connection,
    site,
    conversationId,
    conversationStatus,
    messages,
    agentTyping,
    unread,
    connect() {
      if (started) return;
      started = true;
      connection.value = "connecting";
      if (store.get("visitor")) return open();
      // The first tab to connect gets the visitor token; others wait for it instead of making a second visitor.
      void withLock(
        `parley:${opts.siteKey}:visitor`,
        () =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, ACK_TIMEOUT_MS);
            releaseTokenLock = () => {
              clearTimeout(timer);
              releaseTokenLock = undefined;
              resolve();
            };
            if (started && !socket) open();
          }),
      );
    },
    startNew() {
      if (conversationStatus.value === "closed") follow(null);
    },
    send,
    async upload(file: File) {
      const token = store.get("visitor");
      if (!token) throw new UploadError("");
      send(await uploadFile(opts.baseUrl, opts.siteKey, token, file));
    },
    setTyping(typing: boolean) {
      const id = conversationId.value;
      const now = Date.now();
      if (!id || !online()) return;
      if (typing === lastTyping.typing && (!typing || now - lastTyping.at < TYPING_RESEND_MS)) return;
      lastTyping = { typing, at: now };
      void call("typing", { conversationId: id, typing }).catch(() => {});
    },
    markAllRead() {
      const id = conversationId.value;
      const last = stored.value.at(-1)?.seq ?? 0;
      if (!id || last <= readUpTo.value.contact) return;
      readUpTo.value = { ...readUpTo.value, contact: last };
      if (online()) void call("read", { conversationId: id, seq: last }).catch(() => {});
    },
    identify(next: VisitorUser) {
      user = { ...user, ...next };
      if (!online()) return; // the next handshake carries it
      void call("identify", user)
        .then((ack) => {
          if (!ack.ok || !ack.visitorToken) return;
          // Signed in as another user: a fresh visitor, nothing of the previous one.
          store.set("visitor", ack.visitorToken);
          follow(null);
        })
        .catch(() => {});
    },
    shutdown() {
      clearTimeout(typingTimer);
      clearTimeout(retryTimer);
      socket?.removeAllListeners();
      socket?.disconnect();
      socket = null;
      started = false;
      welcomed = false;
      user = undefined;
      store.clear();
      told.clear();
      historyLoaded = false;
      if (typeof window !== "undefined") window.removeEventListener("storage", onStorage);
      batch(() => {
        follow(null);
        pending.value = [];
        failed.value = [];
        site.value = null;
        connection.value = "idle";
      });
    },
    onMessage(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
  };
}
