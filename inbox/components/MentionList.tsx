import { useState } from "preact/hooks";
import type { Agent } from "../../shared/schemas/index.ts";
import { insertMention, matchAgents, mentionAt, mentionsIn, type MentionQuery } from "../state/mentions.ts";

export const mentionListId = "mention-list";
const optionId = (agentId: string) => `mention-${agentId}`;

/**
 * `@` completion in a text box: the state, the keys (↑ ↓ move, Enter or Tab picks, Escape
 * closes) and the agents picked so far. The box keeps focus; the list is announced through
 * `aria-activedescendant`.
 */
export function useMentions(agents: Agent[]) {
  const [at, setAt] = useState<MentionQuery | null>(null);
  const [active, setActive] = useState(0);
  const [picked, setPicked] = useState<Agent[]>([]);
  const matches = at ? matchAgents(agents, at.query) : [];
  const open = at !== null && matches.length > 0;

  function update(text: string, caret: number): void {
    const next = mentionAt(text, caret);
    if (next?.start !== at?.start || next?.query !== at?.query) setActive(0);
    setAt(next);
  }

  function pick(agent: Agent, box: HTMLTextAreaElement, setText: (t: string) => void): void {
    if (!at) return;
    const next = insertMention(box.value, at, agent);
    // The box gets the text and the caret at once (a render later would move the caret back
    // under keys typed in between); the state then holds the same value, so the caret stays.
    box.value = next.text;
    box.setSelectionRange(next.caret, next.caret);
    box.focus();
    setText(next.text);
    setPicked((p) => (p.some((a) => a.id === agent.id) ? p : [...p, agent]));
    setAt(null);
  }

  /** Handles a key in the box; answers true when the list used it. */
  function onKeyDown(e: KeyboardEvent, box: HTMLTextAreaElement, setText: (t: string) => void): boolean {
    if (!open) return false;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      const step = e.key === "ArrowDown" ? 1 : -1;
      setActive((i) => (i + step + matches.length) % matches.length);
    } else if ((e.key === "Enter" && !e.shiftKey) || e.key === "Tab") {
      pick(matches[Math.min(active, matches.length - 1)]!, box, setText);
    } else if (e.key === "Escape") {
      setAt(null);
    } else return false;
    e.preventDefault();
    return true;
  }

  const boxProps = {
    "aria-autocomplete": "list" as const,
    "aria-controls": open ? mentionListId : undefined,
    "aria-activedescendant": open ? optionId(matches[Math.min(active, matches.length - 1)]!.id) : undefined,
  };

  return {
    open,
    matches,
    active,
    boxProps,
    update,
    pick,
    onKeyDown,
    /** The ids of the agents still mentioned in `text`. */
    mentionsIn: (text: string) => mentionsIn(text, picked),
    reset: () => {
      setPicked([]);
      setAt(null);
    },
  };
}

export type Mentions = ReturnType<typeof useMentions>;

/** The agents matching what follows the `@`. */
export function MentionList({ mentions, onPick }: { mentions: Mentions; onPick: (agent: Agent) => void }) {
  if (!mentions.open) return null;
  return (
    <ul id={mentionListId} class="mention-list" role="listbox" aria-label="Mention an agent">
      {mentions.matches.map((a, i) => (
        <li
          id={optionId(a.id)}
          role="option"
          aria-selected={i === mentions.active}
          class={i === mentions.active ? "active" : undefined}
          onMouseDown={(e) => {
            e.preventDefault();
            onPick(a);
          }}
        >
          <span class="mention-name">{a.name}</span> <span class="muted">{a.email}</span>
        </li>
      ))}
    </ul>
  );
}
