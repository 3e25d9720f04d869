import { Router } from "express";
import { z } from "zod";
import {
  Conversation,
  ConversationPage,
  ConversationWithMessages,
  CreateConversationBody,
  Links,
  LinksQuery,
  ListConversationsQuery,
  PatchConversationBody,
  ReadBody,
  Tag,
  TypingBody,
} from "../../../shared/schemas/index.ts";
import type { Ctx } from "../../domain/context.ts";
import * as conversations from "../../domain/conversations.ts";
import { ParleyError } from "../../domain/errors.ts";
import { parse } from "../../domain/validation.ts";
import { define } from "../route.ts";
import { errorResponses } from "./common.ts";
import { messageRoutes, streamedMessageRoutes } from "./messages.ts";

const IdParam = z.object({ id: z.string() });
const TagParams = z.object({ id: z.string(), tag: z.string() });

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

  messageRoutes(r, ctx);

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

  streamedMessageRoutes(r, ctx);
  return r;
}
