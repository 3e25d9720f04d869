import { useEffect, useRef } from "preact/hooks";
import { useSignal, type ReadonlySignal } from "@preact/signals";
import type { Session } from "../session/types.ts";
import type { WidgetSettings } from "../loader/settings.ts";
import { uiStrings } from "../i18n/index.ts";
import { screenFor, screens, siteAvailable } from "./screens/index.ts";
import { Compose } from "./screens/compose.tsx";
import { HeaderMenu } from "./menu.tsx";

const REPLY = { minutes: "replyMinutes", hours: "replyHours", day: "replyDay" } as const;

export interface PanelProps {
  session: Session;
  settings: ReadonlySignal<WidgetSettings>;
  open: ReadonlySignal<boolean>;
  onClose(): void;
}

/**
 * The chat panel: a dialog named by its title, the connection notice, and one screen below
 * them (pre-chat, chat, away, rating, transcript: see screens/), the one screenFor picks for the
 * state. The header's menu (once there is a conversation) asks for the transcript.
 */
export function Panel({ session, settings, open, onClose }: PanelProps) {
  const s = settings.value;
  const t = uiStrings(s.locale, s.strings);
  const input = useRef<HTMLTextAreaElement>(null);
  const panel = useRef<HTMLElement>(null);
  const preChatDone = useSignal(false);
  /** The email the visitor gave in this panel (pre-chat, away screen). */
  const givenEmail = useSignal<string | null>(null);
  /** The composer's unsent text: kept when the screen switches (the team came or went). */
  const draft = useSignal("");
  /** The conversation the visitor rated or skipped rating. */
  const ratedId = useSignal<string | null>(null);
  /** The conversation whose transcript the visitor asked for from the menu (the form shows). */
  const transcriptId = useSignal<string | null>(null);
  const isOpen = open.value;
  const conversationId = session.conversationId.value;

  const name = screenFor({
    preChatFields: s.preChat?.fields ?? [],
    user: s.user as Record<string, unknown> | undefined,
    preChatDone: preChatDone.value,
    conversationId,
    status: session.conversationStatus.value,
    available: siteAvailable(session.site.value),
    canRate: typeof session.rate === "function",
    rated: !!conversationId && (ratedId.value === conversationId || !!session.rated?.value),
    transcript: !!conversationId && transcriptId.value === conversationId,
  });
  const Screen = screens[name];
  /** Available (CONTRACT §8): when the team typically replies. */
  const site = session.site.value;
  const replyLine = site?.available ? t[REPLY[site.replyTime] ?? "replyMinutes"] : null;

  useEffect(() => {
    if (!isOpen) return;
    const first = input.current ?? (panel.current?.querySelector("form input, form button") as HTMLElement | null);
    first?.focus();
  }, [isOpen, name]);

  return (
    <section
      class="panel"
      part="panel"
      role="dialog"
      aria-labelledby="parley-title"
      data-screen={name}
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
          {replyLine && <p class="reply-time">{replyLine}</p>}
        </div>
        {conversationId && site?.transcript && (
          <HeaderMenu t={t} onTranscript={() => (transcriptId.value = conversationId)} />
        )}
        <button type="button" class="close" aria-label={t.closeChat} onClick={onClose}>
          <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d="M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z" />
          </svg>
        </button>
      </header>
      {session.connection.value === "offline" && (
        <p class="notice" role="status">
          {t.offline}
        </p>
      )}
      {session.throttled?.value && (
        <p class="notice" role="status">
          {t.slowDown}
        </p>
      )}
      <Screen
        session={session}
        settings={s}
        t={t}
        inputRef={input}
        draft={draft}
        email={givenEmail.value ?? s.user?.email ?? null}
        onPreChat={(user) => {
          if (Object.keys(user).length) session.identify({ ...s.user, ...user });
          if (user.email) givenEmail.value = user.email;
          preChatDone.value = true;
        }}
        onEmail={(email) => {
          session.identify({ ...s.user, email });
          givenEmail.value = email;
        }}
        onRated={() => (ratedId.value = conversationId)}
        onBack={() => (transcriptId.value = null)}
      />
      {/* One composer for chat and away, kept while the team comes or goes: nothing typed is lost. */}
      {(name === "chat" || name === "away") && (
        <Compose session={session} settings={s} t={t} inputRef={input} draft={draft} />
      )}
    </section>
  );
}
