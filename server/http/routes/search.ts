import { Router } from "express";
import { ContactPage, ContactSearchQuery, SearchPage, SearchQuery } from "../../../shared/schemas/index.ts";
import type { Ctx } from "../../domain/context.ts";
import * as search from "../../domain/search.ts";
import { define } from "../route.ts";
import { errorResponses } from "./common.ts";

/** Full-text search over conversations and contacts (CONTRACT §7). */
export function searchRoutes(ctx: Ctx): Router {
  const r = Router();

  define(
    r,
    {
      method: "get",
      path: "/v1/search",
      action: "conversation.search",
      tag: "Search",
      summary: "Search conversations",
      description:
        "Finds conversations whose messages (text, card and quick-reply titles), topic, summary, tags or contact " +
        "(name, email, phone) hold every word of `q`, each word as a prefix, any case, accents folded. Best " +
        "matches first, each conversation with up to 3 matches; a match's `snippet` is HTML-escaped text with " +
        "the matched words in `<mark>…</mark>`. Takes every filter of `GET /v1/conversations`.",
      query: SearchQuery,
      responses: { 200: { description: "A page of results", schema: SearchPage }, ...errorResponses },
    },
    async ({ query, principal }) => ({ status: 200, body: await search.searchConversations(ctx, principal, query) }),
  );

  define(
    r,
    {
      method: "get",
      path: "/v1/contacts",
      action: "contact.list",
      tag: "Contacts",
      summary: "Find contacts",
      description: "Contacts whose name, email, phone or externalId hold every word of `q` (as prefixes), best first.",
      query: ContactSearchQuery,
      responses: { 200: { description: "A page of contacts", schema: ContactPage }, ...errorResponses },
    },
    async ({ query, principal }) => ({ status: 200, body: await search.searchContacts(ctx, principal, query) }),
  );

  return r;
}
