import type { Inbox } from "../state/inbox.ts";
import { hashFor } from "../state/route.ts";

/**
 * Live notifications of notes that mention the signed-in agent: announced politely to screen
 * readers, each opening its conversation or dismissed. (A hidden tab also gets the browser
 * notification, through the notifier.)
 */
export function MentionAlerts({ inbox }: { inbox: Inbox }) {
  const mentions = inbox.mentions.value;
  return (
    <aside class="mention-alerts" aria-label="Mentions of you">
      <div role="status" aria-live="polite">
        {mentions.map((m) => (
          <div class="mention-alert" key={m.noteId} data-mention-in={m.conversationId}>
            <p>
              <strong>{m.who} mentioned you</strong> in {m.where}
            </p>
            <p class="mention-alert-text">{m.text}</p>
            <p class="mention-alert-actions">
              <a href={hashFor(m.conversationId)} onClick={() => inbox.dismissMention(m.noteId)}>
                Open conversation
              </a>
              <button type="button" class="link" onClick={() => inbox.dismissMention(m.noteId)}>
                Dismiss
              </button>
            </p>
          </div>
        ))}
      </div>
    </aside>
  );
}
