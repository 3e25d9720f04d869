import { batch, signal } from "@preact/signals";
import type { TypedMessageInput } from "../../shared/schemas/message.ts";
import type { SiteStorage } from "./storage.ts";
import { toJson } from "./json.ts";
import { withLock, type Connection } from "./connection.ts";
import type { Sync } from "./sync.ts";

/**
 * Messages the visitor sent that the relay has not acknowledged yet, in the order sent, each
 * with its client id. Kept in storage, so that they survive going offline and reloads and are
 * delivered once (the relay de-duplicates by client id); an acknowledgement removes one.
 */
export interface OutboxItem {
  clientId: string;
  message: TypedMessageInput;
  createdAt: string;
}

function isItem(x: unknown): x is OutboxItem {
  const i = x as OutboxItem | null;
  return (
    !!i &&
    typeof i.clientId === "string" &&
    typeof i.createdAt === "string" &&
    !!i.message &&
    typeof i.message.type === "string" &&
    typeof i.message.content === "object"
  );
}

/** 16 random URL-safe characters. */
export function newClientId(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_");
}

export class Outbox {
  constructor(private readonly storage: SiteStorage) {}

  items(): OutboxItem[] {
    const items = this.storage.readJson<unknown>("outbox", []);
    return Array.isArray(items) ? items.filter(isItem) : [];
  }

  add(message: TypedMessageInput, now = new Date()): OutboxItem {
    const item: OutboxItem = { clientId: newClientId(), message, createdAt: now.toISOString() };
    this.write([...this.items(), item]);
    return item;
  }

  remove(clientId: string): void {
    const items = this.items();
    const left = items.filter((i) => i.clientId !== clientId);
    if (left.length !== items.length) this.write(left);
  }

  private write(items: OutboxItem[]): void {
    this.storage.set("outbox", items.length ? toJson(items) : null);
  }
}

/** An item another tab took out of the shared outbox, with the resync round current when this tab noticed. */
export interface HandedOver {
  item: OutboxItem;
  round: number;
}

/**
 * Tabs share one outbox, and whichever tab holds the outbox lock sends and removes an item. A
 * tab that showed an item as sending and sees it leave the outbox without holding its stored
 * copy (the other tab's acknowledgement came first, or this tab is reconnecting) keeps showing
 * it as sending, instead of dropping it until its own socket catches up. `settled` are the
 * client ids this tab holds as stored or refused.
 */
export function handOver(
  held: HandedOver[],
  shown: OutboxItem[],
  now: OutboxItem[],
  settled: Set<string>,
  round: number,
): HandedOver[] {
  const inOutbox = new Set(now.map((i) => i.clientId));
  const kept = held.filter((h) => !settled.has(h.item.clientId));
  const left = shown
    .filter((i) => !inOutbox.has(i.clientId) && !settled.has(i.clientId))
    .map((item) => ({ item, round }));
  return left.length || kept.length !== held.length ? [...kept, ...left] : held;
}

/** What this tab shows of the outbox: the items waiting, the ones another tab sent, the ones the relay refused. */
export function unsentState(outbox: Outbox) {
  return {
    pending: signal<OutboxItem[]>(outbox.items()),
    /** Sent by another tab, not held here yet: still shown as sending (see handOver). */
    handedOver: signal<HandedOver[]>([]),
    failed: signal<OutboxItem[]>([]),
    /** The relay answered the last send `rate_limited`: the visitor is asked to slow down until one goes through. */
    throttled: signal(false),
  };
}
export type Unsent = ReturnType<typeof unsentState>;

/** Refusals that a later try may not meet: the item (or resync) goes again in 5–10 s. */
export const TRANSIENT = new Set(["rate_limited", "internal_error", "unavailable"]);

/**
 * Sends the stored outbox in order, one item at a time, by one tab at a time (the origin-wide
 * outbox lock), whenever there is something to send and the connection is online.
 */
export function createSender(link: Connection, sync: Sync, outbox: Outbox, unsent: Unsent, siteKey: string) {
  const { pending, handedOver, failed } = unsent;

  /**
   * Re-reads the shared outbox. What another tab took out of it stays shown as sending until
   * this tab holds the stored copy (live, or by the resync started here), so that it never
   * vanishes from this tab while this tab's socket catches up.
   */
  function refresh() {
    const now = outbox.items();
    const settled = new Set([
      ...sync.stored.value.flatMap((m) => (m.clientId ? [m.clientId] : [])),
      ...failed.value.map((i) => i.clientId),
    ]);
    const before = handedOver.value;
    const next = handOver(before, pending.value, now, settled, sync.round());
    batch(() => {
      handedOver.value = next;
      pending.value = now;
    });
    if (next.some((h) => !before.includes(h))) void sync.resync();
  }

  async function drain(): Promise<void> {
    for (;;) {
      refresh();
      const item = pending.value[0];
      if (!item || !link.online()) return;
      const ack = await link
        .call("send", { clientId: item.clientId, conversationId: sync.conversationId.value, message: item.message })
        .catch(() => null);
      // No answer: offline, the item goes again on the next connect; still online (the relay was too
      // slow to answer), it goes again in 5–10 s, so that it never waits for a reconnect that may not come.
      if (!ack) {
        if (link.online()) link.retryLater(flush);
        return;
      }
      unsent.throttled.value = !ack.ok && ack.error.code === "rate_limited";
      if (!ack.ok && TRANSIENT.has(ack.error.code)) {
        link.retryLater(flush);
        return;
      }
      // The conversation is gone (erased, or not this visitor's): the message starts a new one.
      if (!ack.ok && ack.error.code === "not_found" && sync.conversationId.value) {
        sync.follow(null);
        continue;
      }
      outbox.remove(item.clientId);
      if (ack.ok) sync.accepted(ack);
      else failed.value = [...failed.value, item];
    }
  }

  let flushing = false;
  let flushAgain = false;
  async function flush(): Promise<void> {
    if (flushing) {
      flushAgain = true;
      return;
    }
    flushing = true;
    try {
      do {
        flushAgain = false;
        await withLock(`parley:${siteKey}:outbox`, drain);
      } while (flushAgain && link.online());
    } finally {
      flushing = false;
    }
  }

  return {
    refresh,
    flush,
    send(input: TypedMessageInput) {
      outbox.add(input);
      refresh();
      void flush();
    },
  };
}
