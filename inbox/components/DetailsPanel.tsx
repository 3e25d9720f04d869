import { useState } from "preact/hooks";
import type { Agent, Conversation } from "../../shared/schemas/index.ts";
import type { Thread } from "../state/thread.ts";
import { priorityLabels, statusLabels } from "./format.ts";
import { RatingSummary } from "./RatingSummary.tsx";

/** Status, priority, assignee, queue and tags, each saved at once through the API. */
export function DetailsPanel({
  thread,
  conversation: c,
  agents,
  me,
  waiting = null,
}: {
  thread: Thread;
  conversation: Conversation;
  agents: Agent[];
  me: Agent;
  /** Why round-robin has not assigned it (null: nothing to explain). */
  waiting?: string | null;
}) {
  const [error, setError] = useState<string | null>(null);
  const [tag, setTag] = useState("");
  const closed = c.status === "closed";

  const run = (action: () => Promise<unknown>) => {
    setError(null);
    action().catch((err: Error) => setError(err.message));
  };
  const value = (e: Event) => (e.currentTarget as HTMLInputElement | HTMLSelectElement).value;

  return (
    <section class="panel" aria-labelledby="details-title">
      <h3 id="details-title">Details</h3>
      <div class="details-grid">
        <label class="field compact">
          <span>Status</span>
          <select
            value={c.status}
            disabled={closed}
            onChange={(e) => run(() => thread.update({ status: value(e) as Conversation["status"] }))}
          >
            {(Object.keys(statusLabels) as Conversation["status"][]).map((s) => (
              <option value={s}>{statusLabels[s]}</option>
            ))}
          </select>
        </label>
        <label class="field compact">
          <span>Priority</span>
          <select
            value={c.priority}
            disabled={closed}
            onChange={(e) => run(() => thread.update({ priority: value(e) as Conversation["priority"] }))}
          >
            {(Object.keys(priorityLabels) as Conversation["priority"][]).map((p) => (
              <option value={p}>{priorityLabels[p]}</option>
            ))}
          </select>
        </label>
        <label class="field compact">
          <span>Assignee</span>
          <select
            value={c.assignee ?? ""}
            disabled={closed}
            onChange={(e) => run(() => thread.update({ assignee: value(e) || null }))}
          >
            <option value="">Unassigned</option>
            {agents
              .filter((a) => a.active || a.id === c.assignee)
              .map((a) => (
                <option value={a.id} data-availability={a.availability}>
                  {a.id === me.id ? `${a.name} (you)` : a.name}
                </option>
              ))}
          </select>
        </label>
        {waiting && (
          <p class="unassigned-reason" role="status">
            Unassigned: {waiting}
          </p>
        )}
        <ul class="team" aria-label="Team availability">
          {agents
            .filter((a) => a.active)
            .map((a) => (
              <li class={`availability ${a.availability ?? "offline"}`} title={a.email}>
                {a.name}
                <span class="sr-only">{`: ${a.availability ?? "offline"}`}</span>
              </li>
            ))}
        </ul>
        <label class="field compact">
          <span>Queue</span>
          <input
            key={c.queue ?? ""}
            defaultValue={c.queue ?? ""}
            disabled={closed}
            placeholder="None"
            maxLength={100}
            onChange={(e) => {
              const q = value(e).trim();
              if (q !== (c.queue ?? "")) run(() => thread.update({ queue: q || null }));
            }}
          />
        </label>
      </div>
      <h4 id="tags-title">Tags</h4>
      <ul class="tags" aria-labelledby="tags-title">
        {c.tags.length === 0 && <li class="muted">No tags</li>}
        {c.tags.map((t) => (
          <li class="chip tag">
            {t}
            {!closed && (
              <button
                type="button"
                class="icon"
                aria-label={`Remove tag ${t}`}
                onClick={() => run(() => thread.setTag(t, false))}
              >
                ×
              </button>
            )}
          </li>
        ))}
      </ul>
      {!closed && (
        <form
          class="tag-form"
          onSubmit={(e) => {
            e.preventDefault();
            const t = tag.trim();
            if (!t) return;
            run(async () => {
              await thread.setTag(t, true);
              setTag("");
            });
          }}
        >
          <input
            aria-label="Add a tag"
            placeholder="Add a tag"
            value={tag}
            maxLength={64}
            onInput={(e) => setTag(value(e))}
          />
          <button type="submit">Add</button>
        </form>
      )}
      <RatingSummary rating={c.rating} />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
