import { signal } from "@preact/signals";
import { typingTimings } from "../../shared/typing.ts";
import type { Connection } from "./connection.ts";

/** How long an agent's typing shows without a new typing event, and how often the visitor's own is repeated. */
const TYPING_SHOWN_MS = typingTimings.shownMs;
const TYPING_RESEND_MS = typingTimings.resendMs;

/**
 * Typing, both ways: who on the agent side types now (cleared by their message, by going
 * offline, or after a while without news), and the visitor's own typing sent to the relay,
 * changes at once and "still typing" at most every few seconds.
 */
export function createTyping(link: Connection, conversationId: () => string | null) {
  /** Name of the agent or bot typing now, "" when someone unnamed types, null when nobody. */
  const agentTyping = signal<string | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = { typing: false, at: 0 };

  function show(name: string | null) {
    clearTimeout(timer);
    agentTyping.value = name;
    if (name !== null) timer = setTimeout(() => (agentTyping.value = null), TYPING_SHOWN_MS);
  }

  link.on("typing", (e) => {
    if (e.conversationId === conversationId()) show(e.typing ? (e.name ?? "") : null);
  });

  return {
    agentTyping,
    show,
    /** The visitor types (true) or stopped (false). */
    set(typing: boolean) {
      const id = conversationId();
      const now = Date.now();
      if (!id || !link.online()) return;
      if (typing === last.typing && (!typing || now - last.at < TYPING_RESEND_MS)) return;
      last = { typing, at: now };
      void link.call("typing", { conversationId: id, typing }).catch(() => {});
    },
    stop() {
      clearTimeout(timer);
    },
  };
}

export type Typing = ReturnType<typeof createTyping>;
