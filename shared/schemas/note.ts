import { z } from "zod";
import { Timestamp, idOf, text } from "./common.ts";

/** How many agents one note may mention. */
export const MAX_MENTIONS = 20;

/**
 * A private note (CONTRACT §7): written by the team inside a conversation, never shown to the
 * visitor. It takes no `seq`; `afterSeq` is the conversation's last seq when it was written.
 */
export const Note = z
  .object({
    id: z.string().meta({ example: "note_7Hq2Zp" }),
    conversationId: z.string(),
    author: z.object({
      type: z.enum(["agent", "token"]),
      id: z.string(),
      name: z.string().nullable(),
    }),
    text: z.string(),
    mentions: z.array(z.string()).meta({ description: "Ids of the agents mentioned (ag_…)" }),
    afterSeq: z.number().int().meta({
      description: "The conversation's last seq when the note was written: the inbox shows it after that message",
    }),
    createdAt: Timestamp,
  })
  .meta({ id: "Note" });
export type Note = z.infer<typeof Note>;

export const NoteInput = z
  .object({
    text: text(10_000).refine((s) => s.trim().length > 0, "must not be blank"),
    mentions: z
      .array(idOf("ag_"))
      .max(MAX_MENTIONS, `at most ${MAX_MENTIONS} mentions`)
      .optional()
      .meta({ description: "Agents to notify; each must be an active agent who may see the conversation" }),
  })
  .strict()
  .meta({ id: "NoteInput" });
export type NoteInput = z.infer<typeof NoteInput>;

export const NoteList = z.object({ items: z.array(Note) }).meta({ id: "NoteList" });
