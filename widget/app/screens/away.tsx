import { format } from "../../i18n/index.ts";
import { Conversation } from "./conversation.tsx";
import type { Availability, ScreenProps } from "./screen-for.ts";

/**
 * The team is away: the visitor can still write. After their first message the log answers
 * with the site's away message and, while the contact's email is unknown, asks for one (a
 * textbox "Email" and a button "Save"), stored on the contact.
 */
export function AwayScreen(props: ScreenProps) {
  const { session, t, email, onEmail } = props;
  const wrote = session.messages.value.some((m) => m.message.sender.type === "contact");
  const reply = (session.site.value as Availability | null)?.awayMessage || t.awayReply;
  return (
    <>
      <p class="notice">{t.away}</p>
      <Conversation {...props}>
        {wrote && (
          <p class="greeting" dir="auto">
            {reply}
          </p>
        )}
        {wrote &&
          (email ? (
            <p class="greeting">{format(t.emailSaved, { email })}</p>
          ) : (
            <form
              class="ask"
              onSubmit={(e) => {
                e.preventDefault();
                const value = String(new FormData(e.currentTarget).get("email") ?? "").trim();
                if (value) onEmail(value);
              }}
            >
              <label>
                <span>{t.leaveEmail}</span>
                <input name="email" type="email" autocomplete="email" required aria-label={t.email} />
              </label>
              <button type="submit" class="start">
                {t.save}
              </button>
            </form>
          ))}
      </Conversation>
    </>
  );
}
