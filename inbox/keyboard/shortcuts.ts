/** What the shortcuts can do; the inbox supplies each action. */
export interface ShortcutActions {
  next(): void;
  previous(): void;
  reply(): void;
  close(): void;
  assignToMe(): void;
  help(): void;
}

export interface Shortcut {
  keys: string[];
  description: string;
  action: keyof ShortcutActions;
}

/** The one list of shortcuts: the key handler and the `?` help both read it. */
export const shortcuts: Shortcut[] = [
  { keys: ["j"], description: "Next conversation", action: "next" },
  { keys: ["k"], description: "Previous conversation", action: "previous" },
  { keys: ["r"], description: "Reply (focus the composer)", action: "reply" },
  { keys: ["e", "c"], description: "Close the conversation", action: "close" },
  { keys: ["a"], description: "Assign to me", action: "assignToMe" },
  { keys: ["?"], description: "Show keyboard shortcuts", action: "help" },
];

/** Keys typed into a field belong to the field, never to a shortcut. */
function typingInField(target: EventTarget | null): boolean {
  if (!(target instanceof Element)) return false;
  if (target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']")) return true;
  return false;
}

/** The shortcut for a key press, or null. */
export function shortcutFor(
  event: Pick<KeyboardEvent, "key" | "ctrlKey" | "metaKey" | "altKey" | "target" | "defaultPrevented">,
): Shortcut | null {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return null;
  if (typingInField(event.target)) return null;
  if (event.target instanceof Element && event.target.closest("dialog[open]") && event.key !== "?") return null;
  return shortcuts.find((s) => s.keys.includes(event.key)) ?? null;
}

/** Listens on `target` (the document) and runs the matching action. Returns a remover. */
export function installShortcuts(target: Document, actions: ShortcutActions): () => void {
  const onKey = (event: KeyboardEvent) => {
    const shortcut = shortcutFor(event);
    if (!shortcut) return;
    event.preventDefault();
    actions[shortcut.action]();
  };
  target.addEventListener("keydown", onKey);
  return () => target.removeEventListener("keydown", onKey);
}
