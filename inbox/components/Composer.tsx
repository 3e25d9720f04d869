import { useEffect, useRef, useState } from "preact/hooks";
import { fileAccept } from "../../shared/attachment.ts";
import type { TypedMessageInput } from "../../shared/schemas/index.ts";
import { typingTimings } from "../../shared/typing.ts";
import { QuickRepliesEditor } from "./QuickRepliesEditor.tsx";

export interface ComposerProps {
  /** Sends one message; rejects with a message to show. */
  send(input: TypedMessageInput): Promise<unknown>;
  typing(on: boolean): void;
  /** Uploads a chosen file and answers the message that carries it. */
  attach?(file: File): Promise<TypedMessageInput>;
}

/** What the composer holds, as a message input, or null when there is nothing to send. */
export function composeInput(text: string, options: string[]): TypedMessageInput | null {
  const body = text.trim();
  if (!body) return null;
  const titles = options.map((o) => o.trim()).filter(Boolean);
  if (titles.length === 0) return { type: "text", content: { text: body } };
  return {
    type: "quick_replies",
    content: { text: body, options: titles.map((title) => ({ title, payload: title })) },
  };
}

/** Text (Enter sends, Shift+Enter is a new line) and, optionally, quick-reply options. */
export function Composer({ send, typing, attach }: ComposerProps) {
  const [text, setText] = useState("");
  const [options, setOptions] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const typingSince = useRef(0);
  const idle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const picker = useRef<HTMLInputElement>(null);

  async function sendFile(file: File) {
    if (!attach || busy) return;
    setBusy(true);
    setError(null);
    try {
      await send(await attach(file));
    } catch (err) {
      setError((err as Error).message || "The file was not sent.");
    } finally {
      setBusy(false);
      if (picker.current) picker.current.value = "";
    }
  }

  const stopTyping = () => {
    clearTimeout(idle.current);
    if (typingSince.current) {
      typingSince.current = 0;
      typing(false);
    }
  };
  useEffect(() => stopTyping, []);

  function onInput(value: string) {
    setText(value);
    const now = Date.now();
    if (!value.trim()) return stopTyping();
    if (now - typingSince.current > typingTimings.resendMs) {
      typingSince.current = now;
      typing(true);
    }
    clearTimeout(idle.current);
    idle.current = setTimeout(stopTyping, typingTimings.idleMs);
  }

  async function submit() {
    const input = composeInput(text, options ?? []);
    if (!input || busy) return;
    setBusy(true);
    setError(null);
    stopTyping();
    try {
      await send(input);
      setText("");
      setOptions(null);
    } catch (err) {
      setError((err as Error).message || "The message was not sent.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <textarea
        id="reply"
        aria-label="Reply"
        rows={3}
        placeholder="Write a reply… Enter sends, Shift+Enter adds a line"
        value={text}
        onInput={(e) => onInput((e.currentTarget as HTMLTextAreaElement).value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
            e.preventDefault();
            void submit();
          } else if (e.key === "Escape") {
            (e.currentTarget as HTMLTextAreaElement).blur();
          }
        }}
      />
      {options && <QuickRepliesEditor options={options} onChange={setOptions} />}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="composer-actions">
        <span class="composer-tools">
          <button type="button" aria-pressed={options !== null} onClick={() => setOptions(options ? null : ["", ""])}>
            Quick replies
          </button>
          {attach && (
            <>
              <button type="button" disabled={busy} onClick={() => picker.current?.click()}>
                Attach file
              </button>
              <input
                ref={picker}
                type="file"
                accept={fileAccept}
                class="sr-only"
                tabIndex={-1}
                aria-hidden="true"
                onChange={(e) => {
                  const file = (e.currentTarget as HTMLInputElement).files?.[0];
                  if (file) void sendFile(file);
                }}
              />
            </>
          )}
        </span>
        <button type="submit" class="primary" disabled={busy || !text.trim()}>
          Send
        </button>
      </div>
    </form>
  );
}
