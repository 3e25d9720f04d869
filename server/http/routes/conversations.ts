import { Router } from "express";
import { z } from "zod";
import {
  AppendBody,
  CompleteBody,
  Conversation,
  ConversationPage,
  ConversationWithMessages,
  CreateConversationBody,
  HistoryQuery,
  Links,
  LinksQuery,
  ListConversationsQuery,
  Message,
  MessagePage,
  PatchConversationBody,
  PostMessageBody,
  ReadBody,
  Tag,
  TypingBody,
  parseMessageInput,
  ApiSender,
  UniqueId,
} from "../../../shared/schemas/index.ts";
import type { Ctx } from "../../domain/context.ts";
import * as conversations from "../../domain/conversations.ts";
import * as messages from "../../domain/messages.ts";
import { ParleyError } from "../../domain/errors.ts";
import { parse, zodDetails } from "../../domain/validation.ts";
import { define } from "../route.ts";
import { errorResponses } from "./common.ts";

const IdParam = z.object({ id: z.string() });
const TagParams = z.object({ id: z.string(), tag: z.string() });
/** A message POST's fields besides the message itself (made once: a zod schema is costly to build). */
const PostExtras = z.object({ uniqueId: UniqueId.optional(), sender: ApiSender.optional() });

export function conversationRoutes(ctx: Ctx): Router {
  const r = Router();
  const tag = "Conversations";

  define(
    r,
    {
      method: "post",
      path: "/v1/conversations",
      action: "conversation.create",
      tag,
      summary: "Start a conversation",
      description: "The same `uniqueId` again answers 200 with the stored conversation and creates nothing.",
      body: CreateConversationBody,
      responses: {
        201: { description: "Created", schema: ConversationWithMessages },
        200: { description: "Already created with this uniqueId", schema: ConversationWithMessages },
        ...errorResponses,
      },
    },
    async ({ body, principal }) => {
      const { conversation, created } = await conversations.createConversation(ctx, principal, body);
      return { status: created ? 201 : 200, body: conversation };
    },
  );

  define(
    r,
    {
      method: "get",
      path: "/v1/conversations",
      action: "conversation.read",
      tag,
      summary: "List conversations, newest update first",
      query: ListConversationsQuery,
      responses: { 200: { description: "A page", schema: ConversationPage }, ...errorResponses },
    },
    async ({ query, principal }) => ({
      status: 200,
      body: await conversations.listConversations(ctx, principal, query),
    }),
  );

  define(
    r,
    {
      method: "get",
      path: "/v1/conversations/links",
      action: "conversation.read",
      tag,
      summary: "Find conversations by contact phone or email",
      query: LinksQuery,
      responses: {
        200: { description: "One entry per identifier, in the order asked", schema: Links },
        ...errorResponses,
      },
    },
    async ({ req, principal }) => {
      // The raw query string keeps the order in which phones and emails were asked for.
      const asked: { kind: "phone" | "email"; value: string }[] = [];
      for (const [key, value] of new URLSearchParams(req.url.split("?")[1] ?? "")) {
        if (key === "phone" || key === "email") asked.push({ kind: key, value });
      }
      for (const [i, a] of asked.entries()) {
        if (a.value.length > 254 || a.value.includes("\u0000"))
          throw new ParleyError("validation_failed", "Request validation failed", [
            { path: `${a.kind}.${i}`, message: "not a phone or email" },
          ]);
      }
      if (asked.length > 100)
        throw new ParleyError("validation_failed", "Request validation failed", [
          { path: "phone", message: "at most 100 identifiers" },
        ]);
      return { status: 200, body: await conversations.findLinks(ctx, principal, asked) };
    },
  );

  define(
    r,
    {
      method: "get",
      path: "/v1/conversations/:id",
      action: "conversation.read",
      tag,
      summary: "Get one conversation",
      params: IdParam,
      responses: { 200: { description: "The conversation", schema: Conversation }, ...errorResponses },
    },
    async ({ params, principal }) => ({
      status: 200,
      body: await conversations.getConversation(ctx, principal, params.id!),
    }),
  );

  define(
    r,
    {
      method: "patch",
      path: "/v1/conversations/:id",
      action: "conversation.update",
      tag,
      summary: "Update status, priority, topic, summary, queue, assignee or metadata",
      description: "409 `conversation_closed` once closed.",
      params: IdParam,
      body: PatchConversationBody,
      responses: { 200: { description: "The updated conversation", schema: Conversation }, ...errorResponses },
    },
    async ({ params, body, principal }) => ({
      status: 200,
      body: await conversations.patchConversation(ctx, principal, params.id!, body),
    }),
  );

  define(
    r,
    {
      method: "post",
      path: "/v1/conversations/:id/messages",
      action: "message.create",
      tag,
      summary: "Continue the conversation",
      description:
        'Idempotent by `uniqueId`. `"streaming": true` with a text input starts a streamed message. Reaches the visitor\'s open widget at once.',
      params: IdParam,
      body: PostMessageBody,
      bodyValidatedByHandler: true,
      responses: {
        201: { description: "Created", schema: Message },
        200: { description: "Already created with this uniqueId", schema: Message },
        ...errorResponses,
      },
    },
    async ({ params, body, principal }) => {
      const raw = body as Record<string, unknown>;
      const extras = parse(PostExtras, { uniqueId: raw.uniqueId, sender: raw.sender });
      const input = parseMessageInput(raw);
      if (!input.ok) throw new ParleyError("validation_failed", "Request validation failed", zodDetails(input.issues));
      const { message, created } = await messages.postMessage(ctx, principal, params.id!, input.value, {
        sender: extras.sender,
        idempotencyKey: extras.uniqueId ? `api:${extras.uniqueId}` : null,
      });
      return { status: created ? 201 : 200, body: message };
    },
  );

  define(
    r,
    {
      method: "get",
      path: "/v1/conversations/:id/messages",
      action: "conversation.read",
      tag,
      summary: "History, newest first",
      description:
        "`limit` (default 10, max 100) and one of `skip`, `before` or `after` a seq. The cost does not grow with the conversation's length.",
      params: IdParam,
      query: HistoryQuery,
      responses: { 200: { description: "A page", schema: MessagePage }, ...errorResponses },
    },
    async ({ params, query, principal }) => ({
      status: 200,
      body: await messages.listMessages(ctx, principal, params.id!, query),
    }),
  );

  define(
    r,
    {
      method: "post",
      path: "/v1/conversations/:id/route",
      action: "conversation.update",
      tag,
      summary: "Unassign and route again (e.g. bot → human)",
      params: IdParam,
      responses: { 200: { description: "The conversation", schema: Conversation }, ...errorResponses },
    },
    async ({ params, principal }) => ({
      status: 200,
      body: await conversations.routeConversation(ctx, principal, params.id!),
    }),
  );

  for (const [method, present] of [
    ["put", true],
    ["delete", false],
  ] as const) {
    define(
      r,
      {
        method,
        path: "/v1/conversations/:id/tags/:tag",
        action: "conversation.update",
        tag,
        summary: present ? "Add a tag" : "Remove a tag",
        description: "Idempotent.",
        params: TagParams,
        responses: { 200: { description: "The conversation", schema: Conversation }, ...errorResponses },
      },
      async ({ params, principal }) => {
        const tagValue = parse(Tag, params.tag, ["tag"]);
        return { status: 200, body: await conversations.setTag(ctx, principal, params.id!, tagValue, present) };
      },
    );
  }

  define(
    r,
    {
      method: "post",
      path: "/v1/conversations/:id/typing",
      action: "conversation.typing",
      tag,
      summary: "Show or hide the agent's typing indicator",
      params: IdParam,
      body: TypingBody,
      responses: { 204: { description: "Sent" }, ...errorResponses },
    },
    async ({ params, body, principal }) => {
      await conversations.setTyping(ctx, principal, params.id!, body.typing);
      return { status: 204 };
    },
  );

  define(
    r,
    {
      method: "post",
      path: "/v1/conversations/:id/read",
      action: "conversation.mark_read",
      tag,
      summary: "The agent side has read up to seq",
      params: IdParam,
      body: ReadBody,
      responses: { 200: { description: "The conversation", schema: Conversation }, ...errorResponses },
    },
    async ({ params, body, principal }) => ({
      status: 200,
      body: await conversations.markRead(ctx, principal, params.id!, body.seq),
    }),
  );

  define(
    r,
    {
      method: "post",
      path: "/v1/messages/:id/append",
      action: "message.stream",
      tag: "Messages",
      summary: "Add text to the end of a streamed message",
      params: IdParam,
      body: AppendBody,
      responses: { 200: { description: "The message", schema: Message }, ...errorResponses },
    },
    async ({ params, body, principal }) => ({
      status: 200,
      body: await messages.appendToMessage(ctx, principal, params.id!, body.text),
    }),
  );

  define(
    r,
    {
      method: "post",
      path: "/v1/messages/:id/complete",
      action: "message.stream",
      tag: "Messages",
      summary: "Finish a streamed message, optionally with its final full text",
      params: IdParam,
      body: CompleteBody,
      responses: { 200: { description: "The message", schema: Message }, ...errorResponses },
    },
    async ({ params, body, principal }) => ({
      status: 200,
      body: await messages.completeMessage(ctx, principal, params.id!, body.text),
    }),
  );

  return r;
}
