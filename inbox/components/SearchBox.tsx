import { useEffect, useMemo, useRef } from "preact/hooks";
import type { SearchResult } from "../../shared/schemas/index.ts";
import { snippetParts } from "../../shared/search-marks.ts";
import type { Api } from "../api/client.ts";
import { conversationName } from "../state/inbox.ts";
import { createSearch } from "../state/search.ts";
import { hashFor } from "../state/route.ts";

/** A snippet's marked words as <mark> elements, the rest as text: never parsed as HTML. */
export function Snippet({ snippet }: { snippet: string }) {
  return (
    <span class="search-snippet">{snippetParts(snippet).map((p) => (p.marked ? <mark>{p.text}</mark> : p.text))}</span>
  );
}

function Result({ r, onOpen }: { r: SearchResult; onOpen: () => void }) {
  const first = r.matches[0];
  return (
    <li>
      <a class="search-result" href={hashFor(r.conversation.id, first?.seq)} onClick={onOpen}>
        <span class="conv-name">{conversationName(r.conversation)}</span>
        {r.matches.map((m) => (
          <Snippet snippet={m.snippet} />
        ))}
      </a>
    </li>
  );
}

/** Ctrl+K (⌘K) focuses it; results show as the agent types; a result opens the conversation at its message. */
export function SearchBox({ api }: { api: Api }) {
  const search = useMemo(() => createSearch(api), [api]);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => () => search.dispose(), [search]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === "k") {
        e.preventDefault();
        input.current?.focus();
        input.current?.select();
      }
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, []);

  const q = search.query.value.trim();
  const results = search.results.value;
  return (
    <div class="search" role="search">
      <input
        ref={input}
        id="search"
        type="search"
        class="search-input"
        placeholder="Search (Ctrl+K)"
        aria-label="Search conversations"
        aria-keyshortcuts="Control+K Meta+K"
        aria-controls={q ? "search-results" : undefined}
        autocomplete="off"
        value={search.query.value}
        onInput={(e) => void search.type((e.currentTarget as HTMLInputElement).value)}
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            search.clear();
            (e.currentTarget as HTMLInputElement).blur();
          } else if (e.key === "ArrowDown") {
            e.preventDefault();
            document.querySelector<HTMLElement>("#search-results a")?.focus();
          }
        }}
      />
      {q && (
        <div class="search-panel" id="search-results">
          <p class="sr-only" role="status">
            {search.loading.value ? "Searching…" : `${results.length} results`}
          </p>
          {search.error.value && (
            <p class="error" role="alert">
              {search.error.value}
            </p>
          )}
          {!search.loading.value && results.length === 0 && !search.error.value && (
            <p class="muted search-none">Nothing found for “{q}”</p>
          )}
          {results.length > 0 && (
            <ul class="search-results" aria-label="Search results">
              {results.map((r) => (
                <Result key={r.conversation.id} r={r} onOpen={() => search.clear()} />
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
