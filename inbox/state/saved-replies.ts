import { signal } from "@preact/signals";
import type { Agent, CannedResponse, Conversation, Site, TypedMessageInput } from "../../shared/schemas/index.ts";
import { fillMessage, type PlaceholderValues } from "../../shared/placeholders.ts";
import type { Api } from "../api/client.ts";

export const cannedPath = "/v1/canned-responses";
/** How many matches the `/` list shows at once. */
export const MAX_SUGGESTIONS = 8;

/**
 * What follows a `/` typed at the very start of the reply box, while it is one word: the query
 * of the saved-reply list ("" for a lone `/`). null when the list is not asked for.
 */
export function slashQuery(text: string): string | null {
  const match = /^\/([^\s/]*)$/.exec(text);
  return match ? match[1]!.toLowerCase() : null;
}

/** The replies whose shortcut or title holds the query: shortcuts that start with it first. */
export function matchReplies(replies: readonly CannedResponse[], query: string): CannedResponse[] {
  const q = query.toLowerCase();
  const rank = (r: CannedResponse) =>
    r.shortcut.startsWith(q) ? 0 : r.shortcut.includes(q) ? 1 : r.title.toLowerCase().includes(q) ? 2 : 3;
  return replies
    .map((r) => ({ r, rank: rank(r) }))
    .filter((x) => x.rank < 3)
    .sort((a, b) => a.rank - b.rank || a.r.shortcut.localeCompare(b.r.shortcut))
    .slice(0, MAX_SUGGESTIONS)
    .map((x) => x.r);
}

/** The values placeholders take in this conversation, for this agent. */
export function placeholderValues(
  conversation: Pick<Conversation, "contact">,
  me: Pick<Agent, "name">,
  siteName: string | null,
): PlaceholderValues {
  return {
    "contact.name": conversation.contact?.name ?? null,
    "contact.email": conversation.contact?.email ?? null,
    "agent.name": me.name,
    "site.name": siteName,
  };
}

/** A saved reply's message, placeholders filled, as the composer sends it. */
export function insertable(reply: CannedResponse, values: PlaceholderValues): TypedMessageInput {
  return fillMessage(reply.message, values) as TypedMessageInput;
}

/**
 * The saved replies this agent may use (team ones and its own), loaded from the API; with a
 * site, those usable on its conversations and the site's name (for `{{site.name}}`).
 */
export function createSavedReplies(api: Api) {
  const items = signal<CannedResponse[]>([]);
  const siteName = signal<string | null>(null);
  const error = signal<string | null>(null);
  async function load(siteId?: string): Promise<void> {
    try {
      const [list, site] = await Promise.all([
        api.get<{ items: CannedResponse[] }>(cannedPath, { siteId }),
        siteId ? api.get<Site>(`/v1/sites/${encodeURIComponent(siteId)}`) : null,
      ]);
      items.value = list.items;
      siteName.value = site?.name ?? null;
      error.value = null;
    } catch (err) {
      error.value = (err as Error).message;
    }
  }
  return { items, siteName, error, load };
}
export type SavedReplies = ReturnType<typeof createSavedReplies>;
