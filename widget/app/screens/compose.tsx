import { useSignal } from "@preact/signals";
import { format } from "../../i18n/index.ts";
import { Composer } from "../composer.tsx";
import type { ScreenProps } from "./screen-for.ts";

/** The composer (the panel's, below the chat and away screens), with the upload under way or the last one that failed shown above it. */
export function Compose({
  session,
  settings,
  t,
  inputRef,
  draft,
}: Pick<ScreenProps, "session" | "settings" | "t" | "inputRef" | "draft">) {
  const upload = useSignal<{ failed: boolean; text: string } | null>(null);
  return (
    <>
      {upload.value && (
        <p class={upload.value.failed ? "notice failed" : "notice"} role={upload.value.failed ? "alert" : "status"}>
          {upload.value.text}
        </p>
      )}
      <Composer
        label={t.message}
        sendLabel={t.send}
        placeholder={settings.placeholder || t.placeholder}
        attachLabel={t.attach}
        inputRef={inputRef}
        draft={draft}
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
    </>
  );
}
