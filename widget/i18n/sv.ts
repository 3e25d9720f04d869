import type { UiStrings } from "./en.ts";

/** Swedish. */
export const launcher = {
  openChat: "Öppna chatten",
  unread: "{n} olästa",
};

export const ui: Omit<UiStrings, keyof typeof launcher> = {
  title: "Chatta med oss",
  subtitle: "",
  greeting: "",
  closeChat: "Stäng chatten",
  message: "Meddelande",
  placeholder: "Skriv ett meddelande…",
  send: "Skicka",
  sending: "Skickar…",
  sent: "Skickat",
  failed: "Inte skickat",
  seen: "Läst",
  typing: "{name} skriver…",
  someoneTyping: "Skriver…",
  offline: "Offline: meddelanden skickas när du är online igen.",
  connecting: "Ansluter…",
  conversationClosed: "Den här konversationen är avslutad.",
  startNew: "Starta en ny konversation",
  attach: "Bifoga en fil",
  uploading: "Laddar upp {name}…",
  uploadFailed: "{name} skickades inte: {reason}",
  tooLarge: "filer får vara högst 10 MB.",
  tryAgain: "försök igen.",
  you: "Du",
  agent: "Agent",
  bot: "Bot",
  openMap: "Öppna karta",
  download: "Ladda ner",
  call: "Ring",
  email: "E-post",
  carousel: "Kort",
  preChatIntro: "Berätta vem du är innan vi börjar.",
  name: "Namn",
  start: "Starta chatten",
  required: "Obligatoriskt",
};
