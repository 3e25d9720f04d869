import type { FunctionComponent } from "preact";
import type { ScreenName, ScreenProps } from "./screen-for.ts";
import { PreChatScreen } from "./pre-chat.tsx";
import { ChatScreen } from "./chat.tsx";
import { lazyScreen } from "./lazy.tsx";

export { screenFor, siteAvailable, type ScreenName, type ScreenProps, type ScreenState } from "./screen-for.ts";

/** Every screen the panel can show, by name (screenFor picks one); away, rating and transcript load when first shown. */
export const screens: Record<ScreenName, FunctionComponent<ScreenProps>> = {
  preChat: PreChatScreen,
  chat: ChatScreen,
  away: lazyScreen(() => import("./away.tsx").then((m) => m.AwayScreen), ChatScreen),
  rating: lazyScreen(() => import("./rating.tsx").then((m) => m.RatingScreen), ChatScreen),
  transcript: lazyScreen(() => import("./transcript.tsx").then((m) => m.TranscriptScreen), ChatScreen),
};
