import express, { Router } from "express";
import { z } from "zod";
import type { Ctx } from "../../domain/context.ts";
import { ParleyError } from "../../domain/errors.ts";
import { maxInboundEmailBytes, receiveReply } from "../../email/inbound.ts";
import { define } from "../route.ts";
import { ErrorEnvelope, errorResponses } from "./common.ts";

const Received = z
  .object({ conversationId: z.string(), messageIds: z.array(z.string()) })
  .meta({ id: "InboundEmailReceived" });

/**
 * POST /v1/inbound/email: a reply by email, forwarded by a mail provider as raw MIME
 * (docs/email.md). The reply address in To/Cc/Delivered-To names the conversation.
 */
export function inboundEmailRoutes(ctx: Ctx, o: { domain: string; onResult?: (stored: boolean) => void }): Router {
  const r = Router();
  r.post(
    "/v1/inbound/email",
    express.raw({ type: (req) => !req.headers["content-type"]?.includes("json"), limit: maxInboundEmailBytes }),
  );
  define(
    r,
    {
      method: "post",
      path: "/v1/inbound/email",
      tag: "Email",
      action: "email.inbound",
      summary: "Receive a reply by email",
      description:
        "The raw email (`Content-Type: message/rfc822`) as a mail provider forwards it. It must be addressed to a `reply+<token>@…` address Parley sent; the reply's new text and attachments become `contact` messages in that conversation (a new one for the same contact when it is closed). An unknown or forged address answers 404 and stores nothing.",
      body: z.string().meta({ description: "raw MIME (message/rfc822)" }),
      bodyValidatedByHandler: true,
      responses: {
        201: { description: "Stored", schema: Received },
        413: { description: "payload_too_large", schema: ErrorEnvelope },
        ...errorResponses,
      },
    },
    async ({ req, principal }) => {
      const raw: unknown = req.body;
      if (!Buffer.isBuffer(raw) || raw.length === 0)
        throw new ParleyError("validation_failed", "Request validation failed", [
          { path: "(body)", message: "send the raw email as message/rfc822" },
        ]);
      try {
        const stored = await receiveReply(ctx, raw, { domain: o.domain, principal });
        o.onResult?.(true);
        return { status: 201, body: stored };
      } catch (err) {
        o.onResult?.(false);
        throw err;
      }
    },
  );
  return r;
}
