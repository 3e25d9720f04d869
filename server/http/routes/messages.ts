import type { Router } from "express";
import { z } from "zod";
import {
  AppendBody,
  CompleteBody,
  HistoryQuery,
  Message,
  MessagePage,
  PostMessageBody,
  parseMessageInput,
  ApiSender,
  UniqueId,
} from "../../../shared/schemas/index.ts";
import type { Ctx } from "../../domain/context.ts";
import * as messages from "../../domain/messages.ts";
import { ParleyError } from "../../domain/errors.ts";
import { parse, zodDetails } from "../../domain/validation.ts";
import { define } from "../route.ts";
import { errorResponses } from "./common.ts";

const IdParam = z.object({ id: z.string() });
/** A message POST's fields besides the message itself (made once: a zod schema is costly to build). */
const PostExtras = z.object({ uniqueId: UniqueId.optional(), sender: ApiSender.optional() });

/**
 * A conversation's messages: post and history. Defined on the conversations' router, at the
 * place where they stand in the API reference.
 */
export function messageRoutes(r: Router, ctx: Ctx): void {
  const tag = "Conversations";

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
}

/** A streamed message: text appended, then completed (after the conversation routes in the reference). */
export function streamedMessageRoutes(r: Router, ctx: Ctx): void {
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
}
