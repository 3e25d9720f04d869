import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import type { Message } from "../../shared/schemas/index.ts";
import { MessageContent } from "../../widget/app/messages/index.ts";
import type { Thread } from "../state/thread.ts";
import { timeline } from "../state/notes.ts";
import { fullWhen, shortWhen } from "./format.ts";
import { NoteItem } from "./NoteItem.tsx";

const senderLabels = { contact: "Visitor", agent: "Agent", bot: "Bot", system: "System" } as const;

function MessageItem({ m, contactName, found }: { m: Message; contactName: string; found: boolean }) {
  const who = m.sender.type === "contact" ? contactName : m.sender.name || senderLabels[m.sender.type];
  const options = m.type === "quick_replies" ? ((m.content as { options?: { title?: string }[] }).options ?? []) : [];
  return (
    <article
      class={`msg${found ? " msg-found" : ""}`}
      data-sender={m.sender.type}
      data-seq={m.seq}
      aria-label={`${who}, ${fullWhen(m.createdAt)}`}
      aria-current={found ? "true" : undefined}
    >
      <div class="msg-bubble">
        <MessageContent message={m} />
        {options.length > 0 && (
          <ul class="msg-options" aria-label="Options offered">
            {options.map((o) => (
              <li class="chip">{String(o.title ?? "")}</li>
            ))}
          </ul>
        )}
      </div>
      <p class="msg-meta">
        {who} · <time dateTime={m.createdAt}>{shortWhen(m.createdAt)}</time>
      </p>
    </article>
  );
}

/**
 * The history: older pages load when the agent scrolls near the top, without the view jumping
 * (the distance from the bottom is kept); new messages keep the view at the bottom when it was there.
 */
export function MessageLog({
  thread,
  contactName,
  foundSeq = null,
}: {
  thread: Thread;
  contactName: string;
  /** A message to bring into view and highlight (opened from search). */
  foundSeq?: number | null;
}) {
  const box = useRef<HTMLDivElement>(null);
  const fromBottom = useRef(0);
  const nearBottom = useRef(true);
  const firstSeq = useRef<number | null>(null);
  const messages = thread.messages.value;
  const notes = thread.notes.items.value;

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const first = messages[0]?.seq ?? null;
    const prepended = firstSeq.current !== null && first !== null && first < firstSeq.current;
    firstSeq.current = first;
    if (prepended && !nearBottom.current) el.scrollTop = el.scrollHeight - fromBottom.current;
    else if (nearBottom.current) el.scrollTop = el.scrollHeight;
    fromBottom.current = el.scrollHeight - el.scrollTop;
    // A short first page does not fill the view: fetch more until it scrolls.
    if (el.scrollHeight <= el.clientHeight && thread.hasOlder.value) void thread.loadOlder();
  }, [messages, notes, thread]);

  // A search result: load back to it, then show it in the middle of the view (once per seq).
  const shown = useRef<number | null>(null);
  useEffect(() => {
    if (foundSeq !== null) void thread.reveal(foundSeq);
  }, [thread, foundSeq]);
  useLayoutEffect(() => {
    if (foundSeq === null || shown.current === foundSeq) return;
    const target = box.current?.querySelector<HTMLElement>(`[data-seq="${foundSeq}"]`);
    if (!target) return;
    shown.current = foundSeq;
    nearBottom.current = false;
    target.scrollIntoView({ block: "center" });
    fromBottom.current = box.current!.scrollHeight - box.current!.scrollTop;
  }, [messages, foundSeq]);

  /** An image that finished loading grew its message: stay at the bottom if the view was there. */
  function onImageLoad() {
    const el = box.current!;
    if (nearBottom.current) el.scrollTop = el.scrollHeight;
    fromBottom.current = el.scrollHeight - el.scrollTop;
  }

  function onScroll() {
    const el = box.current!;
    fromBottom.current = el.scrollHeight - el.scrollTop;
    nearBottom.current = fromBottom.current - el.clientHeight < 48;
    if (el.scrollTop < 200) void thread.loadOlder();
  }

  return (
    <div
      class="log"
      ref={box}
      onScroll={onScroll}
      onLoadCapture={onImageLoad}
      role="log"
      aria-label="Messages"
      tabIndex={0}
    >
      {thread.hasOlder.value ? (
        <p class="log-older">
          <button
            type="button"
            class="link"
            onClick={() => void thread.loadOlder()}
            disabled={thread.loadingOlder.value}
          >
            {thread.loadingOlder.value ? "Loading older messages…" : "Load older messages"}
          </button>
        </p>
      ) : (
        messages.length > 0 && <p class="log-start">Start of the conversation</p>
      )}
      {timeline(messages, notes, !thread.hasOlder.value && thread.conversation.value !== null).map((entry) =>
        entry.kind === "message" ? (
          <MessageItem
            key={entry.message.id}
            m={entry.message}
            contactName={contactName}
            found={entry.message.seq === foundSeq}
          />
        ) : (
          <NoteItem key={entry.note.id} note={entry.note} />
        ),
      )}
    </div>
  );
}
