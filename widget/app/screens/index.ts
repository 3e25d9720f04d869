import type { FunctionComponent } from "preact";
import type { ScreenName, ScreenProps } from "./screen-for.ts";
import { PreChatScreen } from "./pre-chat.tsx";
import { ChatScreen } from "./chat.tsx";
import { AwayScreen } from "./away.tsx";
import { RatingScreen } from "./rating.tsx";

export { screenFor, type ScreenName, type ScreenProps, type ScreenState } from "./screen-for.ts";
export { siteAvailable } from "./away.tsx";

/** Every screen the panel can show, by name (screenFor picks one). */
export const screens: Record<ScreenName, FunctionComponent<ScreenProps>> = {
  preChat: PreChatScreen,
  chat: ChatScreen,
  away: AwayScreen,
  rating: RatingScreen,
};
