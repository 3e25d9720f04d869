import type { VisitorUser } from "../../session/types.ts";
import type { UiStrings } from "../../i18n/index.ts";
import { Conversation } from "./conversation.tsx";
import type { ScreenProps } from "./screen-for.ts";

const INPUT: Record<string, { type: "text" | "email" | "tel"; autocomplete: string; label: keyof UiStrings }> = {
  name: { type: "text", autocomplete: "name", label: "name" },
  email: { type: "email", autocomplete: "email", label: "email" },
  phone: { type: "tel", autocomplete: "tel", label: "phone" },
};

export interface PreChatProps {
  fields: string[];
  required: boolean;
  t: UiStrings;
  onSubmit(user: VisitorUser): void;
}

/** Asks for name/email/phone before the first message (settings.preChat). */
export function PreChat({ fields, required, t, onSubmit }: PreChatProps) {
  const known = fields.filter((f) => f in INPUT);
  return (
    <form
      class="prechat"
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        const user: Record<string, string> = {};
        for (const f of known) {
          const v = String(data.get(f) ?? "").trim();
          if (v) user[f] = v;
        }
        onSubmit(user);
      }}
    >
      <p>{t.preChatIntro}</p>
      {known.map((f) => (
        <label>
          <span>{t[INPUT[f]!.label]}</span>
          <input name={f} type={INPUT[f]!.type as "text"} autocomplete={INPUT[f]!.autocomplete} required={required} />
        </label>
      ))}
      <button type="submit" class="start">
        {t.start}
      </button>
    </form>
  );
}

/** Before the first message, where settings.preChat asks: the greeting, then the questions. */
export function PreChatScreen(props: ScreenProps) {
  const { settings, t } = props;
  return (
    <>
      <Conversation {...props} />
      <PreChat
        fields={settings.preChat?.fields ?? []}
        required={!!settings.preChat?.required}
        t={t}
        onSubmit={props.onPreChat}
      />
    </>
  );
}
