import { useSignal } from "@preact/signals";
import { useEffect, useRef } from "preact/hooks";
import { Conversation } from "./conversation.tsx";
import type { ScreenProps } from "./screen-for.ts";

const SCORES = [1, 2, 3, 4, 5];

/**
 * The conversation is solved or closed: a group "Rate this conversation" with five buttons
 * (1–5), an optional comment, and a way to skip (CONTRACT §10).
 */
export function RatingScreen(props: ScreenProps) {
  const { session, t, onRated } = props;
  const score = useSignal(0);
  const first = useRef<HTMLButtonElement>(null);
  // Loaded after the panel placed focus: the first score takes it, so that keys reach the survey.
  useEffect(() => first.current?.focus(), []);
  return (
    <>
      <Conversation {...props} />
      <form
        class="prechat rating"
        onSubmit={(e) => {
          e.preventDefault();
          if (!score.value) return;
          const comment = String(new FormData(e.currentTarget).get("comment") ?? "").trim();
          session.rate?.(score.value, comment);
          onRated();
        }}
      >
        <fieldset>
          <legend>{t.rate}</legend>
          <div class="scores">
            {SCORES.map((n) => (
              <button
                type="button"
                ref={n === 1 ? first : undefined}
                aria-pressed={score.value === n}
                onClick={() => (score.value = n)}
              >
                {n}
              </button>
            ))}
          </div>
          <label>
            <span>{t.ratingComment}</span>
            <textarea name="comment" rows={2} maxLength={1000} />
          </label>
        </fieldset>
        <div class="actions">
          <button type="submit" class="start" disabled={!score.value}>
            {t.sendRating}
          </button>
          <button
            type="button"
            class="link"
            onClick={() => {
              session.skipRating?.();
              onRated();
            }}
          >
            {t.skip}
          </button>
        </div>
      </form>
    </>
  );
}
