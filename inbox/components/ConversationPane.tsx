import { useEffect, useMemo, useState } from "preact/hooks";
import type { Thread } from "../state/thread.ts";
import { conversationName, type Inbox } from "../state/inbox.ts";
import { MessageLog } from "./MessageLog.tsx";
import { Composer } from "./Composer.tsx";
import { uploadAttachment } from "../api/files.ts";
import { DetailsPanel } from "./DetailsPanel.tsx";
import { ContactPanel } from "./ContactPanel.tsx";
import { VisitorPanel } from "./VisitorPanel.tsx";
import { statusLabels } from "./format.ts";
import { createSavedReplies, insertable, placeholderValues } from "../state/saved-replies.ts";
import { unassignedReason } from "../state/routing.ts";

function TypingIndicator({ thread }: { thread: Thread }) {
  const name = thread.contactTyping.value;
  return (
    <p class="typing" aria-live="polite">
      {name !== null && `${name || "The visitor"} is typing…`}
    </p>
  );
}

/** One conversation: history, the visitor's typing, the composer, the details and the contact. */
export function ConversationPane({
  inbox,
  thread,
  foundSeq = null,
}: {
  inbox: Inbox;
  thread: Thread;
  /** A message to scroll to and highlight (opened from search). */
  foundSeq?: number | null;
}) {
  const c = thread.conversation.value;
  const [detailsOpen, setDetailsOpen] = useState(false);
  const messageCount = thread.messages.value.length;
  const saved = useMemo(() => createSavedReplies(inbox.api), [inbox]);
  useEffect(() => {
    if (c?.siteId) void saved.load(c.siteId);
  }, [saved, c?.siteId]);

  // Report what the agent has seen whenever new messages show while the tab is visible.
  useEffect(() => {
    const report = () => document.visibilityState === "visible" && void inbox.reportRead();
    report();
    document.addEventListener("visibilitychange", report);
    return () => document.removeEventListener("visibilitychange", report);
  }, [inbox, thread, messageCount, c?.id]);

  if (!c) {
    return (
      <section class="thread" aria-label="Conversation">
        {thread.error.value ? (
          <p class="error" role="alert">
            {thread.error.value}
          </p>
        ) : (
          <p class="empty" aria-busy="true">
            Loading conversation…
          </p>
        )}
      </section>
    );
  }

  const name = conversationName(c);
  const closed = c.status === "closed";
  const act = (fn: () => Promise<unknown>) => fn().catch((err: Error) => (thread.error.value = err.message));
  return (
    <section class="thread" aria-labelledby="thread-title">
      <header class="thread-head">
        <div class="thread-title">
          <h2 id="thread-title">{name}</h2>
          <span class={`chip status-${c.status}`}>{statusLabels[c.status]}</span>
          {c.topic && <span class="muted thread-topic">{c.topic}</span>}
        </div>
        <div class="thread-actions">
          {!closed && c.assignee !== inbox.me.id && (
            <button
              type="button"
              onClick={() => act(() => thread.update({ assignee: inbox.me.id }))}
              aria-keyshortcuts="a"
            >
              Assign to me
            </button>
          )}
          {!closed && (
            <button
              type="button"
              onClick={() => act(() => thread.update({ status: "closed" }))}
              aria-keyshortcuts="e c"
            >
              Close conversation
            </button>
          )}
          <button
            type="button"
            class="details-toggle"
            aria-expanded={detailsOpen}
            aria-controls="thread-aside"
            onClick={() => setDetailsOpen(!detailsOpen)}
          >
            Details
          </button>
        </div>
      </header>
      {thread.error.value && (
        <p class="error banner" role="alert">
          {thread.error.value}
        </p>
      )}
      <div class="thread-body">
        <div class="thread-main">
          <MessageLog thread={thread} contactName={name} foundSeq={foundSeq} />
          <TypingIndicator thread={thread} />
          {closed && (
            <p class="closed-note" role="status">
              This conversation is closed. It can no longer be changed or replied to; the team can still add notes.
            </p>
          )}
          <Composer
            key={closed ? "closed" : "open"}
            send={(input) => thread.send(input, crypto.randomUUID())}
            typing={(on) => void thread.sendTyping(on)}
            attach={(file) => uploadAttachment(inbox.api, file)}
            savedReplies={{
              items: saved.items.value,
              fill: (reply) => insertable(reply, placeholderValues(c, inbox.me, saved.siteName.value)),
            }}
            note={(text, mentions) => thread.notes.write(text, mentions)}
            agents={inbox.agents.value}
            noteOnly={closed}
          />
        </div>
        <aside
          id="thread-aside"
          class={`thread-aside${detailsOpen ? " open" : ""}`}
          aria-label="Conversation details"
          onKeyDown={(e) => {
            if (e.key === "Escape" && detailsOpen) setDetailsOpen(false);
          }}
        >
          <DetailsPanel
            thread={thread}
            conversation={c}
            agents={inbox.agents.value}
            me={inbox.me}
            waiting={unassignedReason(c, inbox.agents.value, inbox.assignments.value)}
          />
          {c.visitor && <VisitorPanel visitor={c.visitor} />}
          <ContactPanel inbox={inbox} conversation={c} />
        </aside>
      </div>
    </section>
  );
}
