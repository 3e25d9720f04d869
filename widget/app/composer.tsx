import type { Ref } from "preact";
import { useRef, useState } from "preact/hooks";

const TYPING_IDLE_MS = 2500;

export interface ComposerProps {
  label: string;
  sendLabel: string;
  placeholder: string;
  inputRef: Ref<HTMLTextAreaElement>;
  onSend(text: string): void;
  onTyping(typing: boolean): void;
}

/** A textarea named "Message" (Enter sends, Shift+Enter is a newline) and a "Send" button. */
export function Composer({ label, sendLabel, placeholder, inputRef, onSend, onTyping }: ComposerProps) {
  const [text, setText] = useState("");
  const typing = useRef<ReturnType<typeof setTimeout> | null>(null);

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
          if (typing.current === null) onTyping(true);
          else clearTimeout(typing.current);
          typing.current = setTimeout(stopTyping, TYPING_IDLE_MS);
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
