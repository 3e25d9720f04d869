import { useEffect, useRef } from "preact/hooks";
import { shortcuts } from "../keyboard/shortcuts.ts";

/** The `?` dialog: every shortcut, read from the one list the key handler uses. */
export function ShortcutHelp({ open, onClose }: { open: boolean; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal?.();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={dialog} class="help" aria-labelledby="help-title" onClose={onClose}>
      <h2 id="help-title">Keyboard shortcuts</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Key</th>
            <th scope="col">Does</th>
          </tr>
        </thead>
        <tbody>
          {shortcuts.map((s) => (
            <tr>
              <td>
                {s.keys.map((k, i) => (
                  <>
                    {i > 0 && " or "}
                    <kbd>{k}</kbd>
                  </>
                ))}
              </td>
              <td>{s.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted">
        <kbd>Ctrl</kbd>+<kbd>K</kbd> (<kbd>⌘</kbd>+<kbd>K</kbd> on a Mac) searches every conversation.
      </p>
      <p class="muted">In the reply box, Enter sends and Shift+Enter adds a line; Escape leaves it.</p>
      <p class="muted">
        <kbd>Alt</kbd>+<kbd>N</kbd> switches the reply box to an internal note (not seen by the visitor) and back; in a
        note, <kbd>@</kbd> mentions an agent.
      </p>
      <form method="dialog">
        <button class="primary" type="submit">
          Close
        </button>
      </form>
    </dialog>
  );
}
