import { baseLocale, pick } from "./launcher.ts";

/**
 * The transcript form's strings (CONTRACT §9), every locale the widget has. Kept apart from en.ts,
 * sv.ts and ar.ts: only the lazily loaded transcript screen imports this module, so the open-chat path
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

const ar: TranscriptStrings = {
  transcriptTo: "سنرسل هذه المحادثة إلى {email}.",
  transcriptAsk: "إلى أين نرسل هذه المحادثة؟",
  transcriptSent: "أُرسلت إلى {email}.",
  transcriptFailed: "لم يُرسَل نص المحادثة: يُرجى المحاولة لاحقًا.",
  invalidEmail: "يُرجى إدخال عنوان بريد إلكتروني صالح.",
  cancel: "إلغاء",
  backToChat: "العودة إلى المحادثة",
};

/** Every language's table (a unit test checks that each has every key). */
export const transcriptTables: Record<string, TranscriptStrings> = { en, sv, ar };

export function transcriptStrings(locale: string | undefined, overrides: Record<string, unknown> = {}) {
  return pick(en, transcriptTables[baseLocale(locale)] ?? en, overrides);
}
