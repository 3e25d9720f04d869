import { z } from "zod";
import { Timestamp, Url, Email, Phone, line, text, UniqueId } from "./common.ts";

export const messageTypes = [
  "text",
  "quick_replies",
  "quick_reply",
  "cards",
  "image",
  "file",
  "location",
  "contact",
] as const;
export const senderTypes = ["contact", "agent", "bot", "system"] as const;

const Title = line(200);
const Payload = text(1000);

export const TextContent = z.object({ text: line(20_000) });
export const QuickRepliesContent = z.object({
  text: line(20_000),
  options: z
    .array(z.object({ title: Title, payload: Payload }))
    .min(1)
    .max(20),
});
export const QuickReplyContent = z.object({ title: Title, payload: Payload });
export const CardButton = z
  .object({ title: Title, url: Url.optional(), payload: Payload.optional() })
  .refine((b) => (b.url === undefined) !== (b.payload === undefined), "a button has either url or payload");
export const CardsContent = z.object({
  cards: z
    .array(
      z.object({
        title: Title,
        text: text(2000).optional(),
        imageUrl: Url.optional(),
        buttons: z.array(CardButton).max(5).optional(),
      }),
    )
    .min(1)
    .max(10),
});
export const ImageContent = z.object({
  url: Url,
  alt: text(500).optional(),
  width: z.number().int().positive().max(100_000).optional(),
  height: z.number().int().positive().max(100_000).optional(),
});
export const FileContent = z.object({
  url: Url,
  name: line(255),
  size: z.number().int().nonnegative().max(1e12),
  mimeType: line(255),
});
export const LocationContent = z.object({
  latitude: z.number().min(-90).max(90),
  longitude: z.number().min(-180).max(180),
  name: text(200).optional(),
  address: text(500).optional(),
});
export const ContactCardContent = z.object({ name: line(200), phone: Phone.optional(), email: Email.optional() });

export const contentSchemas = {
  text: TextContent,
  quick_replies: QuickRepliesContent,
  quick_reply: QuickReplyContent,
  cards: CardsContent,
  image: ImageContent,
  file: FileContent,
  location: LocationContent,
  contact: ContactCardContent,
} as const;

export type MessageType = (typeof messageTypes)[number];
export type SenderType = (typeof senderTypes)[number];

export const TypedMessageInput = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text"), content: TextContent }),
  z.object({ type: z.literal("quick_replies"), content: QuickRepliesContent }),
  z.object({ type: z.literal("quick_reply"), content: QuickReplyContent }),
  z.object({ type: z.literal("cards"), content: CardsContent }),
  z.object({ type: z.literal("image"), content: ImageContent }),
  z.object({ type: z.literal("file"), content: FileContent }),
  z.object({ type: z.literal("location"), content: LocationContent }),
  z.object({ type: z.literal("contact"), content: ContactCardContent }),
]);
export type TypedMessageInput = z.infer<typeof TypedMessageInput>;

export const ApiSender = z
  .object({ type: z.enum(["agent", "bot"]), name: line(100).optional() })
  .meta({ id: "SenderInput", description: "Who the message is from; defaults to an agent" });

const streamingField = z
  .boolean()
  .optional()
  .meta({ description: "With a text input: start a streamed message (append, then complete)" });

/**
 * What the API accepts as a message: `{ type, content }` or the `{ text }` shorthand. Loose, so
 * that the input reaches parseMessageInput whole (a union of stripping objects would turn
 * `{ type: "image", content, text }` into a text message before it is read).
 */
export const MessageInput = z
  .union([
    z.looseObject({ text: line(20_000), streaming: streamingField }),
    z.looseObject({
      type: z.enum(messageTypes),
      content: z.record(z.string(), z.unknown()),
      streaming: streamingField,
    }),
  ])
  .meta({
    id: "MessageInput",
    description: "`{ type, content }` with content by type, or `{ text }` for a text message",
  });

/** The one place a message input becomes `{ type, content, streaming }`, or a list of what is wrong. */
export function parseMessageInput(
  input: unknown,
): { ok: true; value: TypedMessageInput & { streaming: boolean } } | { ok: false; issues: z.core.$ZodIssue[] } {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return {
      ok: false,
      issues: [{ code: "custom", path: [], message: "must be an object", input } as z.core.$ZodIssue],
    };
  }
  const raw = input as Record<string, unknown>;
  const streaming = raw.streaming;
  if (streaming !== undefined && typeof streaming !== "boolean") {
    return {
      ok: false,
      issues: [
        { code: "custom", path: ["streaming"], message: "must be a boolean", input: streaming } as z.core.$ZodIssue,
      ],
    };
  }
  // `{ text }`, and `{ type: "text", text }` without content, are the text shorthand.
  const shorthand = raw.content === undefined && "text" in raw && (raw.type === undefined || raw.type === "text");
  const candidate = shorthand
    ? { type: "text", content: { text: raw.text } }
    : { type: raw.type, content: raw.content };
  // A streamed message may start empty: its text arrives through append.
  if (
    streaming === true &&
    candidate.type === "text" &&
    (candidate.content as { text?: unknown } | undefined)?.text === ""
  ) {
    return { ok: true, value: { type: "text", content: { text: "" }, streaming: true } };
  }
  const parsed = TypedMessageInput.safeParse(candidate);
  if (!parsed.success) return { ok: false, issues: parsed.error.issues };
  if (streaming === true && parsed.data.type !== "text") {
    return {
      ok: false,
      issues: [
        {
          code: "custom",
          path: ["streaming"],
          message: "only a text message can be streamed",
          input: streaming,
        } as z.core.$ZodIssue,
      ],
    };
  }
  return { ok: true, value: { ...parsed.data, streaming: streaming === true } };
}

export const Sender = z.object({
  type: z.enum(senderTypes),
  id: z.string().nullable(),
  name: z.string().nullable(),
});

export const Message = z
  .object({
    id: z.string().meta({ example: "msg_2x7Qp9" }),
    conversationId: z.string(),
    seq: z.number().int().positive(),
    sender: Sender,
    type: z.enum(messageTypes),
    content: z.record(z.string(), z.unknown()),
    state: z.enum(["complete", "streaming"]),
    createdAt: Timestamp,
  })
  .meta({ id: "Message" });
export type Message = z.infer<typeof Message>;

export const PostMessageBody = z
  .intersection(MessageInput, z.object({ uniqueId: UniqueId.optional(), sender: ApiSender.optional() }))
  .meta({ id: "PostMessageBody" });

export const AppendBody = z
  .object({ text: text(20_000) })
  .strict()
  .meta({ id: "AppendBody" });
export const CompleteBody = z
  .object({ text: line(20_000).optional() })
  .strict()
  .meta({ id: "CompleteBody" });

export const MessagePage = z
  .object({ items: z.array(Message), total: z.number().int(), hasMore: z.boolean() })
  .meta({ id: "MessagePage" });
