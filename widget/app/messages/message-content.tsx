import type { FunctionComponent } from "preact";
import type { Message, MessageType } from "../../../shared/schemas/message.ts";
import { defaultMessageStrings, type MessageStrings } from "./strings.ts";
import * as r from "./renderers.tsx";

/** One renderer per message type: adding a type is one line here and one component. */
const renderers: Record<MessageType, FunctionComponent<r.RendererProps>> = {
  text: r.TextMessage,
  quick_replies: r.QuickRepliesMessage,
  quick_reply: r.QuickReplyMessage,
  cards: r.CardsMessage,
  image: r.ImageMessage,
  file: r.FileMessage,
  location: r.LocationMessage,
  contact: r.ContactMessage,
};

export interface MessageContentProps {
  message: Pick<Message, "type" | "content"> & { state?: Message["state"] };
  /** Called with the visitor's choice of a quick-reply option or a card payload button. Without it, options are not shown as buttons. */
  onQuickReply?: (choice: r.Choice) => void;
  /** Partial translations of the renderers' own words. */
  strings?: Partial<MessageStrings>;
}

/** The body of one message, by type. Pure and prop-driven; text is always rendered inert. */
export function MessageContent({ message, onQuickReply, strings }: MessageContentProps) {
  const Renderer = renderers[message.type] ?? r.TextMessage;
  return (
    <Renderer
      content={(message.content ?? {}) as Record<string, unknown>}
      streaming={message.state === "streaming"}
      strings={{ ...defaultMessageStrings, ...strings }}
      onChoice={onQuickReply}
    />
  );
}

/** A one-line plain-text preview of any message (conversation lists, notifications). */
export function messagePreview(message: Pick<Message, "type" | "content">): string {
  const c = (message.content ?? {}) as Record<string, unknown>;
  const first = (...vals: unknown[]) => String(vals.find((v) => typeof v === "string" && v) ?? "");
  switch (message.type) {
    case "cards":
      return first((Array.isArray(c.cards) ? (c.cards[0] as { title?: unknown } | undefined) : undefined)?.title);
    case "location":
      return first(c.name, c.address);
    case "image":
      return first(c.alt, "🖼");
    default:
      return first(c.text, c.title, c.name);
  }
}
