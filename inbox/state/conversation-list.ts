import { batch, computed, signal } from "@preact/signals";
import type { Contact, Conversation } from "../../shared/schemas/index.ts";
import type { Api } from "../api/client.ts";
import { byActivity, defaultFilter, filterQuery, matchesFilter, unreadCount, type ListFilter } from "./filters.ts";

interface Page {
  items: Conversation[];
  hasMore: boolean;
  nextCursor: string | null;
}

export const PAGE_SIZE = 30;

/**
 * The conversation list: one filtered, keyset-paginated page after another (loaded as the agent
 * scrolls), kept current by live events. A conversation heard of live is placed by its last
 * activity, or dropped when it no longer matches the filter.
 */
export function createConversationList(api: Api, meId: () => string | null) {
  const filter = signal<ListFilter>(defaultFilter);
  const items = signal<Conversation[]>([]);
  const hasMore = signal(false);
  const loading = signal(false);
  const error = signal<string | null>(null);
  let cursor: string | null = null;
  let generation = 0;

  async function fetchPage(after: string | null): Promise<Page> {
    return api.get<Page>("/v1/conversations", {
      ...filterQuery(filter.value, meId()),
      limit: PAGE_SIZE,
      cursor: after ?? undefined,
    });
  }

  async function reload(): Promise<void> {
    const mine = ++generation;
    loading.value = true;
    error.value = null;
    try {
      const page = await fetchPage(null);
      if (mine !== generation) return;
      batch(() => {
        items.value = page.items;
        hasMore.value = page.hasMore;
        cursor = page.nextCursor;
      });
    } catch (err) {
      if (mine === generation) error.value = (err as Error).message;
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  async function loadMore(): Promise<void> {
    if (loading.value || !hasMore.value || !cursor) return;
    const mine = generation;
    loading.value = true;
    try {
      const page = await fetchPage(cursor);
      if (mine !== generation) return;
      const known = new Set(items.value.map((c) => c.id));
      batch(() => {
        items.value = [...items.value, ...page.items.filter((c) => !known.has(c.id))];
        hasMore.value = page.hasMore;
        cursor = page.nextCursor;
      });
    } catch (err) {
      if (mine === generation) error.value = (err as Error).message;
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  /**
   * A conversation as it is now (from a live event or an action's answer). `mentioned`: a note
   * just mentioned the signed-in agent in it (the only way one joins the "Mentions" view live).
   */
  function upsert(c: Conversation, mentioned = false): void {
    const rest = items.value.filter((x) => x.id !== c.id);
    const current = items.value.find((x) => x.id === c.id);
    if (current && current.updatedAt > c.updatedAt) return; // an older copy arrived late
    if (!current && filter.value.view === "mentions" && !mentioned) return;
    if (!matchesFilter(c, filter.value, meId())) {
      if (current) items.value = rest;
      return;
    }
    // Past the loaded pages, it will come with the page that holds it.
    const last = rest[rest.length - 1];
    if (!current && hasMore.value && last && byActivity(c, last) > 0) return;
    items.value = [...rest, c].sort(byActivity);
  }

  /** Conversations erased with their contact: gone from the list at once. */
  function remove(ids: string[]): void {
    const gone = new Set(ids);
    if (items.value.some((c) => gone.has(c.id))) items.value = items.value.filter((c) => !gone.has(c.id));
  }

  /** The agents' read marker moved (here or in another agent's inbox). */
  function markRead(conversationId: string, seq: number): void {
    items.value = items.value.map((c) =>
      c.id === conversationId && c.readUpTo.agent < seq ? { ...c, readUpTo: { ...c.readUpTo, agent: seq } } : c,
    );
  }

  /** A contact changed (renamed, say): every conversation of theirs shows it as it is now. */
  function updateContact(contact: Contact): void {
    if (!items.value.some((c) => c.contact?.id === contact.id)) return;
    items.value = items.value.map((c) => (c.contact?.id === contact.id ? { ...c, contact: contactRef(contact) } : c));
  }

  function setFilter(patch: Partial<ListFilter>): void {
    filter.value = { ...filter.value, ...patch };
    void reload();
  }

  const totalUnread = computed(() => items.value.reduce((n, c) => n + unreadCount(c), 0));

  return {
    filter,
    items,
    hasMore,
    loading,
    error,
    totalUnread,
    reload,
    loadMore,
    upsert,
    remove,
    markRead,
    updateContact,
    setFilter,
  };
}

export type ConversationList = ReturnType<typeof createConversationList>;

/** The short form of a contact that a conversation embeds. */
export function contactRef(c: Contact): NonNullable<Conversation["contact"]> {
  return { id: c.id, name: c.name, email: c.email, phone: c.phone, externalId: c.externalId };
}
