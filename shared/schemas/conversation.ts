import { z } from "zod";
import { Metadata, Timestamp, UniqueId, idOf, line, queryInt, text } from "./common.ts";
import { ContactInput, ContactRef } from "./contact.ts";
import { Message, MessageInput, senderTypes } from "./message.ts";
import { VisitorContext } from "./visitor.ts";

export const statuses = ["open", "waiting", "solved", "closed"] as const;
export const priorities = ["low", "normal", "high", "urgent"] as const;
export const channels = ["widget", "api"] as const;

export const Status = z.enum(statuses);
export const Priority = z.enum(priorities);
export const Tag = line(64).regex(/^[^/?#\s][^/?#]*$/, "must not contain / ? # or start with a space");
export const Queue = line(100);
export const AgentId = idOf("ag_");

/** The visitor's rating of the latest solve or close (CONTRACT §10). */
export const Rating = z
  .object({
    score: z.number().int().min(1).max(5),
    comment: z.string().nullable(),
    createdAt: Timestamp,
  })
  .meta({ id: "Rating" });
export type Rating = z.infer<typeof Rating>;

export const Conversation = z
  .object({
    id: z.string().meta({ example: "conv_9Zt4Lx" }),
    siteId: z.string(),
    status: Status,
    priority: Priority,
    channel: z.enum(channels),
    topic: z.string().nullable(),
    summary: z.string().nullable(),
    queue: z.string().nullable(),
    assignee: z.string().nullable(),
    tags: z.array(z.string()),
    metadata: z.record(z.string(), z.unknown()),
    contact: ContactRef.nullable(),
    uniqueId: z.string().nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    firstResponseAt: Timestamp.nullable(),
    closedAt: Timestamp.nullable(),
    rating: Rating.nullable().meta({
      description: "The visitor's rating since it was last solved or closed; null until rated (CONTRACT §10)",
    }),
    lastMessage: Message.nullable(),
    readUpTo: z.object({ contact: z.number().int(), agent: z.number().int() }),
    visitor: VisitorContext.nullable().meta({
      description: "Where the visitor is and what they browse with (widget conversations); null from the API",
    }),
  })
  .meta({ id: "Conversation" });
export type Conversation = z.infer<typeof Conversation>;

export const ConversationWithMessages = Conversation.extend({ messages: z.array(Message) }).meta({
  id: "ConversationWithMessages",
});

export const FirstMessageSender = z
  .object({ type: z.enum(senderTypes).exclude(["system"]), name: line(100).optional() })
  .meta({ id: "FirstMessageSender" });

/** The first message: a message input, optionally naming its `sender` inside it (as POST …/messages takes it). */
export const FirstMessageInput = z
  .intersection(MessageInput, z.object({ sender: FirstMessageSender.optional() }))
  .meta({
    id: "FirstMessageInput",
    description: "A message input; from an agent unless `sender` (here or beside `message`) says otherwise",
  });

export const CreateConversationBody = z
  .object({
    siteId: idOf("site_")
      .optional()
      .meta({ description: "Which site; defaults to the token's site, else the default site" }),
    contact: ContactInput.optional(),
    contactId: idOf("ct_").optional(),
    topic: text(500).nullable().optional(),
    summary: text(5000).nullable().optional(),
    status: Status.exclude(["closed"]).optional(),
    priority: Priority.optional(),
    queue: Queue.nullable().optional(),
    assignee: AgentId.nullable().optional(),
    tags: z.array(Tag).max(50).optional(),
    metadata: Metadata.optional(),
    message: FirstMessageInput.optional(),
    sender: FirstMessageSender.optional().meta({ description: "Who sent the first message; defaults to an agent" }),
    uniqueId: UniqueId.optional(),
  })
  .strict()
  .refine((b) => !(b.contact && b.contactId), { message: "give contact or contactId, not both", path: ["contactId"] })
  .meta({ id: "CreateConversationBody" });
export type CreateConversationBody = z.infer<typeof CreateConversationBody>;

export const PatchConversationBody = z
  .object({
    status: Status.optional(),
    priority: Priority.optional(),
    topic: text(500).nullable().optional(),
    summary: text(5000).nullable().optional(),
    queue: Queue.nullable().optional(),
    assignee: AgentId.nullable().optional(),
    metadata: Metadata.optional(),
  })
  .strict()
  .meta({ id: "PatchConversationBody" });
export type PatchConversationBody = z.infer<typeof PatchConversationBody>;

export const ListConversationsQuery = z
  .object({
    status: Status.optional(),
    priority: Priority.optional(),
    queue: Queue.optional(),
    assignee: z
      .union([z.literal("none"), AgentId])
      .optional()
      .meta({ description: "An agent id, or `none` for unassigned" }),
    tag: Tag.optional(),
    mentions: z
      .union([z.literal("me"), AgentId])
      .optional()
      .meta({
        description: "Conversations with a private note mentioning this agent; `me` for the signed-in agent",
      }),
    contactId: idOf("ct_").optional(),
    channel: z.enum(channels).optional(),
    siteId: idOf("site_").optional(),
    updatedSince: Timestamp.optional(),
    limit: queryInt(1, 100).default(20),
    cursor: text(500).optional(),
  })
  .strict();
export type ListConversationsQuery = z.infer<typeof ListConversationsQuery>;

export const ConversationPage = z
  .object({ items: z.array(Conversation), hasMore: z.boolean(), nextCursor: z.string().nullable() })
  .meta({ id: "ConversationPage" });

/** seq is a 32-bit integer column in both databases: a larger bound would reach the database as an error. */
export const MAX_SEQ = 2_147_483_647;

export const HistoryQuery = z
  .object({
    limit: queryInt(1, 100).default(10),
    skip: queryInt(0, 1_000_000_000).optional(),
    before: queryInt(1, MAX_SEQ).optional(),
    after: queryInt(0, MAX_SEQ).optional(),
  })
  .strict()
  .refine((q) => [q.skip, q.before, q.after].filter((v) => v !== undefined).length <= 1, {
    message: "give at most one of skip, before and after",
    path: ["skip"],
  });
export type HistoryQuery = z.infer<typeof HistoryQuery>;

export const TypingBody = z.object({ typing: z.boolean() }).strict().meta({ id: "TypingBody" });
export const ReadBody = z
  .object({ seq: z.number().int().nonnegative().max(MAX_SEQ) })
  .strict()
  .meta({ id: "ReadBody" });

export const LinksQuery = z
  .object({
    phone: z.union([text(32), z.array(text(32)).max(50)]).optional(),
    email: z.union([text(254), z.array(text(254)).max(50)]).optional(),
  })
  .strict();

export const Links = z
  .array(
    z.object({
      phone: z.string().optional(),
      email: z.string().optional(),
      conversations: z.array(z.object({ id: z.string(), link: z.string(), createdAt: Timestamp })),
    }),
  )
  .meta({ id: "Links" });
