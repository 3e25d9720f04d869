import { z } from "zod";
import { queryInt, text } from "./common.ts";
import { Contact } from "./contact.ts";
import { Conversation, ListConversationsQuery } from "./conversation.ts";

/** What to look for: words, each matched as a prefix, without regard to case or accents. */
export const SearchText = text(200)
  .refine((s) => /[\p{L}\p{N}]/u.test(s), "must contain a word to look for")
  .meta({ description: "Words to find (each as a prefix; case and accents do not matter)", example: "refund" });

export const SearchQuery = ListConversationsQuery.extend({ q: SearchText }).strict();
export type SearchQuery = z.infer<typeof SearchQuery>;

export const SearchMatch = z
  .object({
    messageId: z
      .string()
      .nullable()
      .meta({ description: "The message that matched; null for the conversation's own fields" }),
    seq: z.number().int().nullable(),
    snippet: z.string().meta({
      description:
        "HTML-escaped text around the match, matched words wrapped in <mark>…</mark> (nothing else is markup)",
      example: "…asked for a <mark>refund</mark> of the order",
    }),
  })
  .meta({ id: "SearchMatch" });
export type SearchMatch = z.infer<typeof SearchMatch>;

export const SearchResult = z
  .object({ conversation: Conversation, matches: z.array(SearchMatch) })
  .meta({ id: "SearchResult" });
export type SearchResult = z.infer<typeof SearchResult>;

export const SearchPage = z
  .object({ items: z.array(SearchResult), hasMore: z.boolean(), nextCursor: z.string().nullable() })
  .meta({ id: "SearchPage" });
export type SearchPage = z.infer<typeof SearchPage>;

export const ContactSearchQuery = z
  .object({ q: SearchText, limit: queryInt(1, 100).default(20), cursor: text(500).optional() })
  .strict();
export type ContactSearchQuery = z.infer<typeof ContactSearchQuery>;

export const ContactPage = z
  .object({ items: z.array(Contact), hasMore: z.boolean(), nextCursor: z.string().nullable() })
  .meta({ id: "ContactPage" });
