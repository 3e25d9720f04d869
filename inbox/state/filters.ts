import type { Conversation } from "../../shared/schemas/index.ts";

export type StatusFilter = Conversation["status"] | "all";
/** "mentions": conversations with a private note mentioning the signed-in agent. */
export type ViewFilter = "all" | "mine" | "unassigned" | "mentions";

/** What the conversation list shows. */
export interface ListFilter {
  status: StatusFilter;
  view: ViewFilter;
  queue: string;
  tag: string;
}

export const defaultFilter: ListFilter = { status: "open", view: "all", queue: "", tag: "" };

/** The filter as `GET /v1/conversations` query parameters. */
export function filterQuery(f: ListFilter, meId: string | null): Record<string, string | undefined> {
  return {
    status: f.status === "all" ? undefined : f.status,
    assignee: f.view === "unassigned" ? "none" : f.view === "mine" ? (meId ?? undefined) : undefined,
    mentions: f.view === "mentions" ? "me" : undefined,
    queue: f.queue.trim() || undefined,
    tag: f.tag.trim() || undefined,
  };
}

/** Does a conversation heard of live belong in the list as filtered? The same rules as the API's filters. */
export function matchesFilter(c: Conversation, f: ListFilter, meId: string | null): boolean {
  if (f.status !== "all" && c.status !== f.status) return false;
  if (f.view === "mine" && (c.assignee === null || c.assignee !== meId)) return false;
  if (f.view === "unassigned" && c.assignee !== null) return false;
  if (f.queue.trim() && c.queue !== f.queue.trim()) return false;
  if (f.tag.trim() && !c.tags.includes(f.tag.trim())) return false;
  return true;
}

/** Messages after the agents' read marker. */
export function unreadCount(c: Pick<Conversation, "lastMessage" | "readUpTo">): number {
  return Math.max(0, (c.lastMessage?.seq ?? 0) - c.readUpTo.agent);
}

/** Newest activity first, as the API orders them. */
export function byActivity(a: Conversation, b: Conversation): number {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt < b.updatedAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
