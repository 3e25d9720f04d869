import { Router } from "express";
import { z } from "zod";
import { Note, NoteInput, NoteList } from "../../../shared/schemas/index.ts";
import type { Ctx } from "../../domain/context.ts";
import * as notes from "../../domain/notes.ts";
import { define } from "../route.ts";
import { errorResponses } from "./common.ts";

const IdParam = z.object({ id: z.string() });

/** Private notes (CONTRACT §7): the team's, never the visitor's. */
export function noteRoutes(ctx: Ctx): Router {
  const r = Router();
  const tag = "Notes";

  define(
    r,
    {
      method: "post",
      path: "/v1/conversations/:id/notes",
      action: "note.create",
      tag,
      summary: "Write a private note, optionally mentioning agents",
      description:
        "Never reaches the visitor and takes no seq; `afterSeq` is the conversation's last seq when written. Allowed on a closed conversation. Each mentioned agent must be active and able to see the conversation (else 422, nothing stored); it hears `note.created` live and finds the conversation with `GET /v1/conversations?mentions=…`.",
      params: IdParam,
      body: NoteInput,
      responses: { 201: { description: "Created", schema: Note }, ...errorResponses },
    },
    async ({ params, body, principal }) => ({
      status: 201,
      body: await notes.createNote(ctx, principal, params.id!, body),
    }),
  );

  define(
    r,
    {
      method: "get",
      path: "/v1/conversations/:id/notes",
      action: "note.read",
      tag,
      summary: "A conversation's private notes, oldest first",
      params: IdParam,
      responses: { 200: { description: "Every note", schema: NoteList }, ...errorResponses },
    },
    async ({ params, principal }) => ({ status: 200, body: await notes.listNotes(ctx, principal, params.id!) }),
  );

  return r;
}
