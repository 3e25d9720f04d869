import { useEffect, useRef, useState } from "preact/hooks";
import type { CannedResponse, TypedMessageInput } from "../../shared/schemas/index.ts";
import { messagePreview } from "../../widget/app/messages/index.ts";
import { matchReplies, slashQuery } from "../state/saved-replies.ts";
import { QuickRepliesEditor } from "./QuickRepliesEditor.tsx";
import { optionId, pickerId, SavedReplyPicker } from "./SavedReplyPicker.tsx";

/** How often "still typing" is re-sent, and how long after the last key it stops. */
export const TYPING_REFRESH_MS = 3000;
export const TYPING_IDLE_MS = 2500;

export interface ComposerProps {
  /** Sends one message; rejects with a message to show. */
  send(input: TypedMessageInput): Promise<unknown>;
  typing(on: boolean): void;
  /** Uploads a chosen file and answers the message that carries it. */
  attach?(file: File): Promise<TypedMessageInput>;
  /** Saved replies offered by `/` at the start of the box, and how one becomes a message (placeholders filled). */
  savedReplies?: { items: readonly CannedResponse[]; fill(reply: CannedResponse): TypedMessageInput };
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
export function Composer({ send, typing, attach, savedReplies }: ComposerProps) {
  const [text, setText] = useState("");
  const [options, setOptions] = useState<string[] | null>(null);
  /** A saved reply of a type the box cannot edit (cards, image…), sent with the next Send. */
  const [pending, setPending] = useState<TypedMessageInput | null>(null);
  /** The `/` list: the highlighted match, and the text it was closed at with Escape. */
  const [active, setActive] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<string | null>(null);
  const query = savedReplies ? slashQuery(text) : null;
  const pickerOpen = query !== null && dismissedAt !== text;
  const matches = pickerOpen ? matchReplies(savedReplies!.items, query) : [];
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

  function insert(reply: CannedResponse) {
    const input = savedReplies!.fill(reply);
    if (input.type === "text") setText(input.content.text);
    else if (input.type === "quick_replies") {
      setText(input.content.text);
      setOptions(input.content.options.map((o) => o.title));
    } else {
      setText("");
      setPending(input);
    }
    setActive(0);
  }

  /** Arrow keys, Enter/Tab and Escape while the `/` list is open; true when the key was for it. */
  function pickerKey(e: KeyboardEvent): boolean {
    if (!pickerOpen) return false;
    const n = matches.length;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (n > 0) setActive((((active + (e.key === "ArrowDown" ? 1 : -1)) % n) + n) % n);
    } else if ((e.key === "Enter" || e.key === "Tab") && !e.shiftKey && n > 0) {
      insert(matches[Math.min(active, n - 1)]!);
    } else if (e.key === "Escape") {
      setDismissedAt(text);
    } else return false;
    e.preventDefault();
    return true;
  }

  function onInput(value: string) {
    setText(value);
    setActive(0);
    const now = Date.now();
    if (!value.trim()) return stopTyping();
    if (now - typingSince.current > TYPING_REFRESH_MS) {
      typingSince.current = now;
      typing(true);
    }
    clearTimeout(idle.current);
    idle.current = setTimeout(stopTyping, TYPING_IDLE_MS);
  }

  async function submit() {
    const input = composeInput(text, options ?? []);
    if ((!input && !pending) || busy) return;
    setBusy(true);
    setError(null);
    stopTyping();
    try {
      if (input) await send(input);
      setText("");
      setOptions(null);
      if (pending) await send(pending);
      setPending(null);
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
        placeholder={`Write a reply… Enter sends, Shift+Enter adds a line${savedReplies ? ", / picks a saved reply" : ""}`}
        value={text}
        aria-autocomplete={savedReplies ? "list" : undefined}
        aria-controls={pickerOpen && matches.length > 0 ? pickerId : undefined}
        aria-activedescendant={
          pickerOpen && matches.length > 0 ? optionId(Math.min(active, matches.length - 1)) : undefined
        }
        onInput={(e) => onInput((e.currentTarget as HTMLTextAreaElement).value)}
        onKeyDown={(e) => {
          if (e.isComposing || pickerKey(e)) return;
          if (e.key === "Enter" && !e.shiftKey) {
            e.preventDefault();
            void submit();
          } else if (e.key === "Escape") {
            (e.currentTarget as HTMLTextAreaElement).blur();
          }
        }}
      />
      {pickerOpen && (
        <SavedReplyPicker matches={matches} active={Math.min(active, matches.length - 1)} onPick={insert} />
      )}
      {options && <QuickRepliesEditor options={options} onChange={setOptions} />}
      {pending && (
        <p class="pending-reply">
          <span>
            Sends too: {pending.type.replace("_", " ")} “{messagePreview(pending)}”
          </span>
          <button type="button" class="icon" aria-label="Remove the saved reply" onClick={() => setPending(null)}>
            ×
          </button>
        </p>
      )}
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
        <button type="submit" class="primary" disabled={busy || (!text.trim() && !pending)}>
          Send
        </button>
      </div>
    </form>
  );
}
