import { useState } from "preact/hooks";
import type { CannedResponse, TypedMessageInput } from "../../shared/schemas/index.ts";
import { messagePreview } from "../../widget/app/messages/index.ts";
import { matchReplies, slashQuery } from "../state/saved-replies.ts";

export const pickerId = "saved-replies";
export const optionId = (i: number) => `${pickerId}-${i}`;

export interface SavedRepliesSource {
  items: readonly CannedResponse[];
  /** The reply as a message, placeholders filled. */
  fill(reply: CannedResponse): TypedMessageInput;
}

/**
 * The `/` list's state for the reply box holding `text`: open while the text starts with `/`
 * (until Escape), its matches, the highlighted one, and the keys it takes.
 */
export function useSavedReplies(
  source: SavedRepliesSource | undefined,
  text: string,
  insert: (r: CannedResponse) => void,
) {
  const [active, setActive] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<string | null>(null);
  const query = source ? slashQuery(text) : null;
  const open = query !== null && dismissedAt !== text;
  const matches = open ? matchReplies(source!.items, query) : [];
  const current = Math.min(active, matches.length - 1);
  const pick = (reply: CannedResponse) => {
    insert(reply);
    setActive(0);
  };
  return {
    open,
    matches,
    active: current,
    pick,
    boxProps: {
      "aria-autocomplete": source ? ("list" as const) : undefined,
      "aria-controls": open && matches.length > 0 ? pickerId : undefined,
      "aria-activedescendant": open && matches.length > 0 ? optionId(current) : undefined,
    },
    /** The text changed: the highlight starts over. */
    typed: () => setActive(0),
    /** Arrow keys, Enter/Tab and Escape while the list is open; true when the key was for it. */
    onKeyDown(e: KeyboardEvent): boolean {
      if (!open) return false;
      const n = matches.length;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (n > 0) setActive((((current + (e.key === "ArrowDown" ? 1 : -1)) % n) + n) % n);
      } else if ((e.key === "Enter" || e.key === "Tab") && !e.shiftKey && n > 0) {
        pick(matches[current]!);
      } else if (e.key === "Escape") {
        setDismissedAt(text);
      } else return false;
      e.preventDefault();
      return true;
    },
  };
}

/**
 * The list a `/` at the start of the reply box opens: shortcut, title and a preview of each
 * match. The reply box keeps focus and points at the active option (aria-activedescendant);
 * a click inserts too.
 */
export function SavedReplyPicker({
  matches,
  active,
  onPick,
}: {
  matches: readonly CannedResponse[];
  active: number;
  onPick: (reply: CannedResponse) => void;
}) {
  return (
    <div class="saved-picker">
      {matches.length === 0 ? (
        <p class="muted saved-empty" role="status">
          No saved reply matches. Add some under Saved replies.
        </p>
      ) : (
        <ul id={pickerId} role="listbox" aria-label="Saved replies">
          {matches.map((r, i) => (
            <li
              id={optionId(i)}
              key={r.id}
              role="option"
              aria-selected={i === active}
              class={i === active ? "active" : ""}
              // Keep focus in the reply box: insert on mousedown, before the textarea blurs.
              onMouseDown={(e) => {
                e.preventDefault();
                onPick(r);
              }}
            >
              <span class="saved-shortcut">/{r.shortcut}</span> <span class="saved-title">{r.title}</span>
              <span class="saved-preview muted">{messagePreview(r.message)}</span>
            </li>
          ))}
        </ul>
      )}
      <p class="saved-hint muted" aria-hidden="true">
        ↑↓ to choose · Enter or Tab inserts · Esc closes
      </p>
    </div>
  );
}
