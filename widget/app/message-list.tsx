import type { ComponentChildren } from "preact";
import { useLayoutEffect, useRef } from "preact/hooks";
import type { ViewMessage } from "../session/types.ts";
import type { UiStrings } from "../i18n/index.ts";
import { MessageContent, type Choice } from "./messages/index.ts";

export interface MessageListProps {
  messages: ViewMessage[];
  greeting: string;
  t: UiStrings;
  onChoice(choice: Choice): void;
  /** What a screen adds at the end of the log (the away screen's reply and email question). */
  children?: ComponentChildren;
}

/**
 * The conversation: a role="log" region, one element per message with data-sender, the
 * visitor's delivery state (sending → sent → seen) and the agents' names. It follows new and
 * growing messages while the visitor is at the bottom.
 */
export function MessageList({ messages, greeting, t, onChoice, children }: MessageListProps) {
  const log = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const last = messages[messages.length - 1];
  const lastOwn = messages.findLast((m) => m.message.sender.type === "contact");

  useLayoutEffect(() => {
    const el = log.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  });

  return (
    <div
      class="log"
      role="log"
      ref={log}
      tabIndex={0}
      // An image that finished loading grew the log: follow it while at the bottom.
      onLoadCapture={(e) => atBottom.current && (e.currentTarget.scrollTop = e.currentTarget.scrollHeight)}
      onScroll={(e) => {
        const el = e.currentTarget;
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
      }}
    >
      {greeting && (
        <p class="greeting" dir="auto">
          {greeting}
        </p>
      )}
      {messages.map((vm, i) => {
        const { message } = vm;
        const sender = message.sender.type;
        const prev = messages[i - 1]?.message.sender;
        const showName =
          (sender === "agent" || sender === "bot") && (prev?.type !== sender || prev?.name !== message.sender.name);
        const own = sender === "contact";
        const status =
          vm.delivery === "failed"
            ? t.failed
            : vm.delivery === "sending"
              ? t.sending
              : vm === lastOwn
                ? vm.seen
                  ? t.seen
                  : t.sent
                : "";
        return (
          <div
            class="msg"
            key={vm.key}
            data-sender={sender}
            data-state={own ? vm.delivery : undefined}
            data-seen={own && vm.seen ? "" : undefined}
          >
            {showName && <span class="who">{message.sender.name || (sender === "bot" ? t.bot : t.agent)}</span>}
            <div class="bubble">
              <MessageContent
                message={message}
                strings={t}
                onQuickReply={
                  vm === last && !own && message.type === "quick_replies"
                    ? onChoice
                    : message.type === "cards"
                      ? onChoice
                      : undefined
                }
              />
            </div>
            {own && status && <span class="status">{status}</span>}
          </div>
        );
      })}
      {children}
    </div>
  );
}
