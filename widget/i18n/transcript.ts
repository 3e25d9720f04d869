import { baseLocale, pick } from "./launcher.ts";

/**
 * The transcript form's strings (CONTRACT §9), every locale the widget has. Kept apart from en.ts
 * and sv.ts: only the lazily loaded transcript screen imports this module, so the open-chat path
 * does not carry them. The page's `strings` override them like any other.
 */
const en = {
  transcriptTo: "We will send this conversation to {email}.",
  transcriptAsk: "Where should we send this conversation?",
  transcriptSent: "Sent to {email}.",
  transcriptFailed: "The transcript was not sent: please try again later.",
  invalidEmail: "Please enter a valid email address.",
  cancel: "Cancel",
  backToChat: "Back to the chat",
};

export type TranscriptStrings = typeof en;

const sv: TranscriptStrings = {
  transcriptTo: "Vi skickar konversationen till {email}.",
  transcriptAsk: "Vart ska vi skicka konversationen?",
  transcriptSent: "Skickad till {email}.",
  transcriptFailed: "Konversationen skickades inte: försök igen senare.",
  invalidEmail: "Ange en giltig e-postadress.",
  cancel: "Avbryt",
  backToChat: "Tillbaka till chatten",
};

const tables: Record<string, TranscriptStrings> = { en, sv };

export function transcriptStrings(locale: string | undefined, overrides: Record<string, unknown> = {}) {
  return pick(en, tables[baseLocale(locale)] ?? en, overrides);
}
