import type { ComponentChildren } from "preact";
import { format } from "../../i18n/index.ts";
import { MessageList } from "../message-list.tsx";
import type { ScreenProps } from "./screen-for.ts";

/** The conversation log and who is typing: the top of every screen. `children` end the log. */
export function Conversation({
  session,
  settings,
  t,
  children,
}: Pick<ScreenProps, "session" | "settings" | "t"> & { children?: ComponentChildren }) {
  const typing = session.agentTyping.value;
  const greeting = settings.greeting ?? session.site.value?.greeting ?? t.greeting;
  return (
    <>
      <MessageList
        messages={session.messages.value}
        greeting={greeting ?? ""}
        t={t}
        onChoice={(choice) => session.send({ type: "quick_reply", content: choice })}
      >
        {children}
      </MessageList>
      <p class="typing" role="status">
        {typing !== null && (
          <>
            <span class="dots" aria-hidden="true">
              <i />
              <i />
              <i />
            </span>
            {typing ? format(t.typing, { name: typing }) : t.someoneTyping}
          </>
        )}
      </p>
    </>
  );
}
