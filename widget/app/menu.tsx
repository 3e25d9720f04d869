import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import type { UiStrings } from "../i18n/index.ts";

/**
 * The header's menu: a button "Menu" that opens a list of actions (today one: "Email me the
 * transcript"). Escape or choosing closes it and gives focus back to the button.
 */
export function HeaderMenu({ t, onTranscript }: { t: UiStrings; onTranscript(): void }) {
  const open = useSignal(false);
  const button = useRef<HTMLButtonElement>(null);
  const item = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (open.value) item.current?.focus();
  }, [open.value]);
  const close = () => {
    open.value = false;
    button.current?.focus();
  };
  return (
    <div
      class="menu"
      onKeyDown={(e) => {
        if (e.key !== "Escape" || !open.value) return;
        e.stopPropagation();
        close();
      }}
      onFocusOut={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) open.value = false;
      }}
    >
      <button
        type="button"
        class="close"
        ref={button}
        aria-label={t.menu}
        aria-haspopup="menu"
        aria-expanded={open.value}
        onClick={() => (open.value = !open.value)}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <path d="M12 8a2 2 0 1 0 0-4 2 2 0 0 0 0 4m0 2a2 2 0 1 0 0 4 2 2 0 0 0 0-4m0 6a2 2 0 1 0 0 4 2 2 0 0 0 0-4" />
        </svg>
      </button>
      {open.value && (
        <div role="menu" aria-label={t.menu}>
          <button
            type="button"
            role="menuitem"
            ref={item}
            onClick={() => {
              close();
              onTranscript();
            }}
          >
            {t.transcript}
          </button>
        </div>
      )}
    </div>
  );
}
