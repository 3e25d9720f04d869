import type { RefObject } from "preact";
import type { Session } from "../../session/types.ts";
import type { WidgetSettings } from "../../loader/settings.ts";
import type { UiStrings } from "../../i18n/index.ts";
import type { PublicSiteConfig } from "../../../shared/schemas/site.ts";

/** What the public site config says about the team's availability (CONTRACT §8), where the relay says it. */
export type Availability = { available?: boolean | null; awayMessage?: string | null };

/** Whether the site is available; null while the relay does not say. */
export function siteAvailable(site: PublicSiteConfig | null): boolean | null {
  return (site as Availability | null)?.available ?? null;
}

/** What the panel shows below its header: one screen at a time. */
export type ScreenName = "preChat" | "chat" | "away" | "rating" | "transcript";

/** Everything the choice of screen depends on, and nothing else. */
export interface ScreenState {
  /** The fields settings.preChat asks for (none: no pre-chat). */
  preChatFields: string[];
  /** What the page says about the user (settings.user). */
  user: Record<string, unknown> | undefined;
  /** The visitor answered (or passed) the pre-chat questions in this panel. */
  preChatDone: boolean;
  conversationId: string | null;
  status: "open" | "waiting" | "solved" | "closed" | null;
  /** Whether the site is available (CONTRACT §8); null while the relay does not say. */
  available: boolean | null;
  /** The session takes ratings (CONTRACT §10). */
  canRate: boolean;
  /** This conversation was rated, or the visitor chose to skip rating it. */
  rated: boolean;
  /** The visitor chose "Email me the transcript" in the header menu (and has not gone back). */
  transcript?: boolean;
}

/**
 * The screen for a state, in order: pre-chat questions before the first message (when the
 * settings ask for fields the page did not already give); the transcript form once the visitor
 * asked for it from the menu; the survey once the conversation is
 * solved or closed and not rated yet; the away screen (leave an email) while the site is not
 * available; else the chat.
 */
export function screenFor(s: ScreenState): ScreenName {
  const askFields = s.preChatFields.length > 0 && !s.preChatFields.every((f) => s.user?.[f]);
  if (askFields && !s.conversationId && !s.preChatDone) return "preChat";
  if (s.transcript && s.conversationId) return "transcript";
  if (s.canRate && s.conversationId && !s.rated && (s.status === "solved" || s.status === "closed")) return "rating";
  if (s.available === false) return "away";
  return "chat";
}

/** What every screen is given by the panel. */
export interface ScreenProps {
  session: Session;
  settings: WidgetSettings;
  t: UiStrings;
  /** The composer's textbox, focused when the panel opens. */
  inputRef: RefObject<HTMLTextAreaElement | null>;
  /** The visitor answered the pre-chat questions (with what they gave). */
  onPreChat(user: Record<string, string>): void;
  /** The visitor rated or skipped rating the current conversation. */
  onRated(): void;
  /** The contact's email where known (from the page, pre-chat or the away screen). */
  email: string | null;
  /** The visitor left an email on the away screen. */
  onEmail(email: string): void;
  /** Back to the conversation from the transcript form. */
  onBack?(): void;
  /** The composer's unsent text, kept by the panel across screens (the team may come or go while typing). */
  draft?: { value: string };
}
