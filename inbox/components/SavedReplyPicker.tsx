import type { CannedResponse } from "../../shared/schemas/index.ts";
import { messagePreview } from "../../widget/app/messages/index.ts";

export const pickerId = "saved-replies";
export const optionId = (i: number) => `${pickerId}-${i}`;

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
