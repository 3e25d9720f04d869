import type { TypedMessageInput } from "../../shared/schemas/message.ts";
import type { SiteStorage } from "./storage.ts";

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
    this.storage.set("outbox", items.length ? JSON.stringify(items) : null);
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
