import { useEffect, useRef, useState } from "preact/hooks";
import { fileAccept } from "../../shared/attachment.ts";
import type { Agent, CannedResponse, TypedMessageInput } from "../../shared/schemas/index.ts";
import { typingTimings } from "../../shared/typing.ts";
import { messagePreview } from "../../widget/app/messages/index.ts";
import { QuickRepliesEditor } from "./QuickRepliesEditor.tsx";
import { MentionList, useMentions } from "./MentionList.tsx";
import { SavedReplyPicker, useSavedReplies, type SavedRepliesSource } from "./SavedReplyPicker.tsx";

export interface ComposerProps {
  /** Sends one message; rejects with a message to show. */
  send(input: TypedMessageInput): Promise<unknown>;
  typing(on: boolean): void;
  /** Uploads a chosen file and answers the message that carries it. */
  attach?(file: File): Promise<TypedMessageInput>;
  /** Saved replies offered by `/` at the start of the box (replies only, not notes). */
  savedReplies?: SavedRepliesSource;
  /** Writes a private note (Note mode); without it the composer has no Note mode. */
  note?(text: string, mentions: string[]): Promise<unknown>;
  /** The agents `@` completes in a note. */
  agents?: Agent[];
  /** Notes only (a closed conversation takes notes, never replies). */
  noteOnly?: boolean;
}

export const noteLabel = "Internal note — not seen by the visitor";

/** Alt+N switches between a reply and a note. */
export const isNoteToggle = (e: KeyboardEvent) => e.altKey && !e.ctrlKey && !e.metaKey && e.code === "KeyN";

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
export function Composer({ send, typing, attach, savedReplies, note, agents = [], noteOnly = false }: ComposerProps) {
  const [text, setText] = useState("");
  const [noteMode, setNoteMode] = useState(noteOnly);
  /** The draft of the other mode: a note's text never becomes a reply by switching modes. */
  const [otherDraft, setOtherDraft] = useState("");
  const asNote = !!note && (noteMode || noteOnly);
  const mentions = useMentions(asNote ? agents : []);
  const box = useRef<HTMLTextAreaElement>(null);
  const [options, setOptions] = useState<string[] | null>(null);
  /** A saved reply of a type the box cannot edit (cards, image…), sent with the next Send. */
  const [pending, setPending] = useState<TypedMessageInput | null>(null);
  const saved = useSavedReplies(asNote ? undefined : savedReplies, text, insert);
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
  }

  function toggleNote() {
    if (!note || noteOnly) return;
    // A note is never announced to the visitor, not even as "typing".
    if (!noteMode) stopTyping();
    setOtherDraft(text);
    setText(otherDraft);
    mentions.reset();
    setNoteMode(!noteMode);
    box.current?.focus();
  }

  function onInput(value: string, caret: number) {
    setText(value);
    if (asNote) return mentions.update(value, caret);
    saved.typed();
    const now = Date.now();
    if (!value.trim()) return stopTyping();
    if (now - typingSince.current > typingTimings.resendMs) {
      typingSince.current = now;
      typing(true);
    }
    clearTimeout(idle.current);
    idle.current = setTimeout(stopTyping, typingTimings.idleMs);
  }

  async function submitNote() {
    const body = text.trim();
    if (!body || busy || !note) return;
    setBusy(true);
    setError(null);
    try {
      await note(body, mentions.mentionsIn(body));
      setText("");
      mentions.reset();
    } catch (err) {
      setError((err as Error).message || "The note was not saved.");
    } finally {
      setBusy(false);
    }
  }

  async function submit() {
    if (asNote) return submitNote();
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
      class={`composer${asNote ? " note-mode" : ""}`}
      data-mode={asNote ? "note" : "reply"}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
      onKeyDown={(e) => {
        if (!isNoteToggle(e)) return;
        e.preventDefault();
        toggleNote();
      }}
    >
      {asNote && (
        <p class="note-banner" id="note-banner">
          {noteLabel}
        </p>
      )}
      <textarea
        id="reply"
        ref={box}
        aria-label={asNote ? noteLabel : "Reply"}
        {...(asNote ? mentions.boxProps : saved.boxProps)}
        rows={3}
        placeholder={
          asNote
            ? "Write a note for the team… @ mentions an agent, Enter saves"
            : `Write a reply… Enter sends, Shift+Enter adds a line${savedReplies ? ", / picks a saved reply" : ""}`
        }
        value={text}
        onInput={(e) => {
          const el = e.currentTarget as HTMLTextAreaElement;
          onInput(el.value, el.selectionStart ?? el.value.length);
        }}
        onKeyDown={(e) => {
          if (e.isComposing) return;
          if (asNote && mentions.onKeyDown(e, e.currentTarget as HTMLTextAreaElement, setText)) return;
          if (!asNote && saved.onKeyDown(e)) return;
          if (e.key === "Enter" && !e.shiftKey) {
            e.preventDefault();
            void submit();
          } else if (e.key === "Escape") {
            (e.currentTarget as HTMLTextAreaElement).blur();
          }
        }}
      />
      {asNote && (
        <MentionList mentions={mentions} onPick={(a) => box.current && mentions.pick(a, box.current, setText)} />
      )}
      {saved.open && <SavedReplyPicker matches={saved.matches} active={saved.active} onPick={saved.pick} />}
      {options && !asNote && <QuickRepliesEditor options={options} onChange={setOptions} />}
      {pending && !asNote && (
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
          {note && !noteOnly && (
            <button
              type="button"
              class="note-toggle"
              aria-pressed={asNote}
              aria-keyshortcuts="Alt+N"
              title="Internal note, seen by the team only (Alt+N)"
              onClick={toggleNote}
            >
              Note
            </button>
          )}
          {!asNote && (
            <button type="button" aria-pressed={options !== null} onClick={() => setOptions(options ? null : ["", ""])}>
              Quick replies
            </button>
          )}
          {attach && !asNote && (
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
        <button
          type="submit"
          class={asNote ? "note-submit" : "primary"}
          disabled={busy || (!text.trim() && !(pending && !asNote))}
        >
          {asNote ? "Add note" : "Send"}
        </button>
      </div>
    </form>
  );
}
