import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { format } from "../../i18n/index.ts";
import { transcriptStrings } from "../../i18n/transcript.ts";
import { Conversation } from "./conversation.tsx";
import type { ScreenProps } from "./screen-for.ts";

/** Loose on purpose: the relay checks the address properly; this catches typos before a round trip. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * "Email me the transcript" (CONTRACT §9), chosen in the header menu: the conversation goes to the
 * contact's address. Without a known address it asks for one (a textbox "Email", checked before
 * sending); then it says where it went, or why not.
 */
export function TranscriptScreen(props: ScreenProps) {
  const { session, settings, email, onBack, onEmail } = props;
  const t = { ...props.t, ...transcriptStrings(settings.locale, settings.strings) };
  const sent = useSignal<string | null>(null);
  const error = useSignal<string | null>(null);
  const busy = useSignal(false);
  const first = useRef<HTMLInputElement & HTMLButtonElement>(null);
  // Loaded after the panel placed focus: the form takes it, so that keys reach it.
  useEffect(() => first.current?.focus(), []);
  return (
    <>
      <Conversation {...props} />
      <form
        class="prechat"
        aria-label={t.transcript}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (busy.value || sent.value) return;
          const typed = email ?? String(new FormData(e.currentTarget).get("email") ?? "").trim();
          if (!EMAIL.test(typed)) {
            error.value = t.invalidEmail;
            return;
          }
          busy.value = true;
          error.value = null;
          void session.transcript?.(typed).then((r) => {
            busy.value = false;
            if ("to" in r) {
              sent.value = r.to;
              // The panel knows the address from now on (the away screen asks no more).
              if (!email) onEmail(r.to);
            } else error.value = r.error === "validation_failed" ? t.invalidEmail : t.transcriptFailed;
          });
        }}
      >
        {sent.value ? (
          <p role="status">{format(t.transcriptSent, { email: sent.value })}</p>
        ) : email ? (
          <p>{format(t.transcriptTo, { email })}</p>
        ) : (
          <label>
            <span>{t.transcriptAsk}</span>
            <input
              ref={first}
              name="email"
              type="email"
              autocomplete="email"
              required
              aria-label={t.email}
              aria-invalid={error.value === t.invalidEmail}
              aria-describedby={error.value ? "parley-transcript-error" : undefined}
            />
          </label>
        )}
        {error.value && (
          <p id="parley-transcript-error" class="notice failed" role="alert">
            {error.value}
          </p>
        )}
        <div class="actions">
          {!sent.value && (
            <button type="submit" class="start" disabled={busy.value} ref={email ? first : undefined}>
              {t.send}
            </button>
          )}
          <button type="button" class="link" onClick={() => onBack?.()}>
            {sent.value ? t.backToChat : t.cancel}
          </button>
        </div>
      </form>
    </>
  );
}
