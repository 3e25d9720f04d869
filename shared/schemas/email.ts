import { z } from "zod";

/** The answer to a transcript request (CONTRACT §9): the address the transcript goes to. */
export const TranscriptQueued = z
  .object({
    to: z.string().meta({ description: "The contact's email address", example: "ann@example.org" }),
  })
  .meta({ id: "TranscriptQueued" });
export type TranscriptQueued = z.infer<typeof TranscriptQueued>;
