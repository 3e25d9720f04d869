import { Conversation } from "./conversation.tsx";
import type { ScreenProps } from "./screen-for.ts";

/** The chat: the log, a closed conversation's way to start a new one, and the composer. */
export function ChatScreen(props: ScreenProps) {
  const { session, t, inputRef } = props;
  return (
    <>
      <Conversation {...props} />
      {session.conversationStatus.value === "closed" && (
        <p class="notice ended">
          {t.conversationClosed}{" "}
          <button
            type="button"
            class="link"
            onClick={() => {
              session.startNew();
              inputRef.current?.focus();
            }}
          >
            {t.startNew}
          </button>
        </p>
      )}
    </>
  );
}
