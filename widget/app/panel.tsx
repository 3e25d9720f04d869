import { useEffect, useRef } from "preact/hooks";
import { useSignal, type ReadonlySignal } from "@preact/signals";
import type { Session } from "../session/types.ts";
import type { WidgetSettings } from "../loader/settings.ts";
import { format, uiStrings } from "../i18n/index.ts";
import { MessageList } from "./message-list.tsx";
import { Composer } from "./composer.tsx";
import { PreChat } from "./pre-chat.tsx";

export interface PanelProps {
  session: Session;
  settings: ReadonlySignal<WidgetSettings>;
  open: ReadonlySignal<boolean>;
  onClose(): void;
}

/** The chat panel: a dialog named by its title, the conversation log, typing and the composer. */
export function Panel({ session, settings, open, onClose }: PanelProps) {
  const s = settings.value;
  const t = uiStrings(s.locale, s.strings);
  const input = useRef<HTMLTextAreaElement>(null);
  const prechatDone = useSignal(false);
  /** The upload under way or the last one that failed: shown above the composer. */
  const upload = useSignal<{ failed: boolean; text: string } | null>(null);
  const isOpen = open.value;
  const conversationId = session.conversationId.value;
  const typing = session.agentTyping.value;
  const connection = session.connection.value;
  const status = session.conversationStatus.value;

  const fields = s.preChat?.fields ?? [];
  const needsPreChat =
    fields.length > 0 &&
    !conversationId &&
    !prechatDone.value &&
    !fields.every((f) => (s.user as Record<string, unknown> | undefined)?.[f]);

  useEffect(() => {
    if (!isOpen) return;
    const first = input.current ?? (panel.current?.querySelector("input") as HTMLElement | null);
    first?.focus();
  }, [isOpen, needsPreChat]);
  const panel = useRef<HTMLElement>(null);

  const greeting = s.greeting ?? session.site.value?.greeting ?? t.greeting;
  return (
    <section
      class="panel"
      part="panel"
      role="dialog"
      aria-labelledby="parley-title"
      hidden={!isOpen}
      ref={panel}
      onKeyDown={(e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <header class="head">
        <div class="titles">
          <h2 id="parley-title">{s.title || t.title}</h2>
          {(s.subtitle || t.subtitle) && <p>{s.subtitle || t.subtitle}</p>}
        </div>
        <button type="button" class="close" aria-label={t.closeChat} onClick={onClose}>
          <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z" />
          </svg>
        </button>
      </header>
      {connection === "offline" && (
        <p class="notice" role="status">
          {t.offline}
        </p>
      )}
      <MessageList
        messages={session.messages.value}
        greeting={greeting ?? ""}
        t={t}
        onChoice={(choice) => session.send({ type: "quick_reply", content: choice })}
      />
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
      {status === "closed" && (
        <p class="notice ended">
          {t.conversationClosed}{" "}
          <button
            type="button"
            class="link"
            onClick={() => {
              session.startNew();
              input.current?.focus();
            }}
          >
            {t.startNew}
          </button>
        </p>
      )}
      {upload.value && (
        <p class={upload.value.failed ? "notice failed" : "notice"} role={upload.value.failed ? "alert" : "status"}>
          {upload.value.text}
        </p>
      )}
      {needsPreChat ? (
        <PreChat
          fields={fields}
          required={!!s.preChat?.required}
          t={t}
          onSubmit={(user) => {
            if (Object.keys(user).length) session.identify({ ...s.user, ...user });
            prechatDone.value = true;
          }}
        />
      ) : (
        <Composer
          label={t.message}
          sendLabel={t.send}
          placeholder={s.placeholder || t.placeholder}
          attachLabel={t.attach}
          inputRef={input}
          onAttach={(file) => {
            upload.value = { failed: false, text: format(t.uploading, { name: file.name }) };
            session.upload(file).then(
              () => (upload.value = null),
              (err: Error) => {
                const reason = err.message === "too_large" ? t.tooLarge : err.message || t.tryAgain;
                upload.value = { failed: true, text: format(t.uploadFailed, { name: file.name, reason }) };
              },
            );
          }}
          onSend={(text) => session.send({ type: "text", content: { text } })}
          onTyping={(on) => session.setTyping(on)}
        />
      )}
    </section>
  );
}
