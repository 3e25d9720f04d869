import { signal } from "@preact/signals";
import type { SearchPage, SearchResult } from "../../shared/schemas/index.ts";
import type { Api } from "../api/client.ts";

/** How long the agent may pause between keys before the search runs. */
export const SEARCH_DEBOUNCE_MS = 200;
export const SEARCH_LIMIT = 10;

/**
 * The search box's state: what was typed, and the results of the latest query only (an answer
 * to an older query that arrives late is dropped). Runs `SEARCH_DEBOUNCE_MS` after the last key.
 */
export function createSearch(api: Api, debounceMs = SEARCH_DEBOUNCE_MS) {
  const query = signal("");
  const results = signal<SearchResult[]>([]);
  const loading = signal(false);
  const error = signal<string | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = 0;

  async function run(q: string): Promise<void> {
    const mine = ++asked;
    if (!/[\p{L}\p{N}]/u.test(q)) {
      results.value = [];
      loading.value = false;
      error.value = null;
      return;
    }
    loading.value = true;
    try {
      const page = await api.get<SearchPage>("/v1/search", { q, limit: SEARCH_LIMIT });
      if (mine !== asked) return;
      results.value = page.items;
      error.value = null;
    } catch (err) {
      if (mine === asked) error.value = (err as Error).message;
    } finally {
      if (mine === asked) loading.value = false;
    }
  }

  /** What the agent typed: searched once they pause. */
  function type(q: string): Promise<void> {
    query.value = q;
    clearTimeout(timer);
    return new Promise((resolve) => {
      timer = setTimeout(() => void run(q.trim()).then(resolve), debounceMs);
    });
  }

  function clear(): void {
    clearTimeout(timer);
    asked++;
    query.value = "";
    results.value = [];
    loading.value = false;
    error.value = null;
  }

  return { query, results, loading, error, type, clear, dispose: () => clearTimeout(timer) };
}

export type Search = ReturnType<typeof createSearch>;
