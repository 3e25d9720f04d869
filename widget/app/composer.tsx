import type { Ref } from "preact";
import { useRef, useState } from "preact/hooks";
import { fileAccept } from "../../shared/attachment.ts";
import { typingTimings } from "../../shared/typing.ts";

export interface ComposerProps {
  label: string;
  sendLabel: string;
  placeholder: string;
  attachLabel: string;
  inputRef: Ref<HTMLTextAreaElement>;
  onSend(text: string): void;
  onTyping(typing: boolean): void;
  onAttach(file: File): void;
  /** Where the unsent text lives, so that it survives a switch of screen (chat ⇄ away). */
  draft?: { value: string };
}

/**
 * A textarea named "Message" (Enter sends, Shift+Enter is a newline), a button "Attach a file"
 * that opens the file picker, and a "Send" button.
 */
export function Composer({
  label,
  sendLabel,
  placeholder,
  attachLabel,
  inputRef,
  onSend,
  onTyping,
  onAttach,
  draft,
}: ComposerProps) {
  const [own, setOwn] = useState(draft?.value ?? "");
  const text = draft ? draft.value : own;
  const setText = (value: string) => (draft ? (draft.value = value) : setOwn(value));
  const typing = useRef<ReturnType<typeof setTimeout> | null>(null);
  const picker = useRef<HTMLInputElement>(null);

  const stopTyping = () => {
    if (typing.current === null) return;
    clearTimeout(typing.current);
    typing.current = null;
    onTyping(false);
  };
  const submit = () => {
    const value = text.trim();
    if (!value) return;
    stopTyping();
    onSend(value);
    setText("");
  };

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <button type="button" class="attach" aria-label={attachLabel} onClick={() => picker.current?.click()}>
        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <path d="M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6z" />
        </svg>
      </button>
      <input
        ref={picker}
        type="file"
        accept={fileAccept}
        hidden
        tabIndex={-1}
        onChange={(e) => {
          const input = e.currentTarget;
          const file = input.files?.[0];
          input.value = "";
          if (file) onAttach(file);
        }}
      />
      <textarea
        ref={inputRef}
        rows={1}
        aria-label={label}
        placeholder={placeholder}
        value={text}
        onInput={(e) => {
          const value = e.currentTarget.value;
          setText(value);
          if (!value.trim()) return stopTyping();
          // Every keystroke says so: the session re-sends it at most every typingTimings.resendMs, so
          // that the agent's indicator (shown typingTimings.shownMs) lasts while the visitor types on.
          onTyping(true);
          if (typing.current !== null) clearTimeout(typing.current);
          typing.current = setTimeout(stopTyping, typingTimings.idleMs);
        }}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            submit();
          }
        }}
      />
      <button type="submit" class="send" aria-label={sendLabel}>
        <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <path d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z" />
        </svg>
      </button>
    </form>
  );
}
