import { Router } from "express";
import { z } from "zod";
import { TranscriptQueued } from "../../../shared/schemas/index.ts";
import type { Ctx } from "../../domain/context.ts";
import { sendTranscript, transcriptLimits } from "../../email/transcript.ts";
import { define } from "../route.ts";
import { errorResponses } from "./common.ts";

const IdParam = z.object({ id: z.string() });

/** POST /v1/conversations/{id}/transcript: the whole conversation by email to its contact (docs/email.md). */
export function transcriptRoutes(ctx: Ctx): Router {
  const r = Router();
  define(
    r,
    {
      method: "post",
      path: "/v1/conversations/:id/transcript",
      action: "conversation.transcript",
      tag: "Email",
      summary: "Email the transcript to the contact",
      description: `Queues an email with every message of the conversation (text and HTML, the site's name and colour) to the contact's email address, sent once and retried with backoff. 422 when the contact has no email address or the conversation no message; 409 \`conflict\` when the server sends no email (no \`SMTP_URL\`). At most ${transcriptLimits.perConversation} transcripts of one conversation an hour and ${transcriptLimits.perRecipient} to one address a day: 429 \`rate_limited\` with Retry-After beyond that. The widget asks for it over its socket (\`transcript\`).`,
      params: IdParam,
      responses: { 202: { description: "Queued", schema: TranscriptQueued }, ...errorResponses },
    },
    async ({ params, principal }) => ({ status: 202, body: await sendTranscript(ctx, principal, params.id!) }),
  );
  return r;
}
