import { useEffect, useRef } from "preact/hooks";
import type { Agent, Conversation } from "../../shared/schemas/index.ts";
import { messagePreview } from "../../widget/app/messages/index.ts";
import type { ConversationList as ListStore } from "../state/conversation-list.ts";
import { unreadCount } from "../state/filters.ts";
import { conversationName } from "../state/inbox.ts";
import { hashFor } from "../state/route.ts";
import { shortWhen, statusLabels } from "./format.ts";
import { unassignedReason, type Assignments } from "../state/routing.ts";

function Row({
  c,
  selected,
  agents,
  assignments,
}: {
  c: Conversation;
  selected: boolean;
  agents: Agent[];
  assignments: Assignments;
}) {
  const unread = unreadCount(c);
  const assignee = c.assignee ? (agents.find((a) => a.id === c.assignee)?.name ?? "Assigned") : null;
  const waiting = unassignedReason(c, agents, assignments);
  const last = c.lastMessage;
  const who = !last || last.sender.type === "contact" ? "" : `${last.sender.name || "Agent"}: `;
  const preview = last ? who + messagePreview(last) : "No messages yet";
  return (
    <li>
      <a
        class={`conv-row${selected ? " selected" : ""}${unread ? " unread" : ""}`}
        href={hashFor(c.id)}
        aria-current={selected ? "page" : undefined}
        data-conversation-id={c.id}
      >
        <span class="conv-top">
          <span class="conv-name">{conversationName(c)}</span>
          <time class="conv-time" dateTime={c.updatedAt}>
            {shortWhen(c.updatedAt)}
          </time>
        </span>
        <span class="conv-preview">{preview}</span>
        <span class="conv-chips">
          <span class={`chip status-${c.status}`}>{statusLabels[c.status]}</span>
          {c.priority !== "normal" && <span class={`chip priority-${c.priority}`}>{c.priority}</span>}
          {assignee && <span class="chip">{assignee}</span>}
          {c.queue && <span class="chip">{c.queue}</span>}
          {waiting && (
            <span class="chip unassigned-reason" title="Why round-robin has not assigned it">
              <span class="sr-only">Unassigned: </span>
              {waiting}
            </span>
          )}
          {c.tags.slice(0, 3).map((t) => (
            <span class="chip tag">#{t}</span>
          ))}
          {unread > 0 && (
            <span class="badge">
              {unread}
              <span class="sr-only"> unread</span>
            </span>
          )}
        </span>
      </a>
    </li>
  );
}

/** Newest activity first; the next page loads as the agent scrolls near the end. */
export function ConversationList({
  list,
  selectedId,
  agents,
  assignments,
}: {
  list: ListStore;
  selectedId: string | null;
  agents: Agent[];
  assignments: Assignments;
}) {
  const sentinel = useRef<HTMLLIElement>(null);
  useEffect(() => {
    const el = sentinel.current;
    if (!el || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) void list.loadMore();
      },
      { rootMargin: "400px" },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [list, list.hasMore.value]);

  const items = list.items.value;
  return (
    <div class="conv-scroll">
      {list.error.value && (
        <p class="error" role="alert">
          {list.error.value}
        </p>
      )}
      <ul class="conv-list" aria-label="Conversation list" aria-busy={list.loading.value ? "true" : undefined}>
        {items.map((c) => (
          <Row key={c.id} c={c} selected={c.id === selectedId} agents={agents} assignments={assignments} />
        ))}
        {list.hasMore.value && (
          <li ref={sentinel} class="conv-more">
            <button type="button" class="link" onClick={() => void list.loadMore()} disabled={list.loading.value}>
              {list.loading.value ? "Loading…" : "Load more conversations"}
            </button>
          </li>
        )}
      </ul>
      {!list.loading.value && items.length === 0 && <p class="empty">No conversations here.</p>}
    </div>
  );
}
