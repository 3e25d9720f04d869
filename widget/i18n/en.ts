/** English, the default. Launcher strings ship in widget.js; the rest only in the app chunk. */
export const launcher = {
  openChat: "Open chat",
  /** {n} is the count. */
  unread: "{n} unread",
};

export const ui = {
  title: "Chat with us",
  subtitle: "",
  greeting: "",
  closeChat: "Close chat",
  message: "Message",
  placeholder: "Write a message…",
  send: "Send",
  sending: "Sending…",
  sent: "Sent",
  failed: "Not sent",
  seen: "Seen",
  typing: "{name} is typing…",
  someoneTyping: "Typing…",
  offline: "Offline: messages will be sent when you are back online.",
  connecting: "Connecting…",
  conversationClosed: "This conversation is closed.",
  startNew: "Start a new conversation",
  attach: "Attach a file",
  uploading: "Uploading {name}…",
  uploadFailed: "{name} was not sent: {reason}",
  tooLarge: "files may be at most 10 MB.",
  tryAgain: "please try again.",
  you: "You",
  agent: "Agent",
  bot: "Bot",
  openMap: "Open map",
  download: "Download",
  call: "Call",
  email: "Email",
  carousel: "Cards",
  preChatIntro: "Please tell us who you are before we start.",
  phone: "Phone",
  name: "Name",
  start: "Start chat",
  required: "Required",
};

export type UiStrings = typeof launcher & typeof ui;
