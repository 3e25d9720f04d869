import { z } from "zod";
import { Timestamp, text } from "./common.ts";

/** The most pages a conversation remembers of the visitor's trail. */
export const PAGE_TRAIL_LENGTH = 20;

export const VisitedPage = z.object({ url: z.string(), title: z.string(), at: Timestamp }).meta({ id: "VisitedPage" });
export type VisitedPage = z.infer<typeof VisitedPage>;

/** What the inbox shows beside a widget conversation (CONTRACT §8); null for API conversations. */
export const VisitorContext = z
  .object({
    currentUrl: z.string().nullable(),
    pageTitle: z.string().nullable(),
    referrer: z.string().nullable(),
    locale: z.string().nullable(),
    timezone: z.string().nullable(),
    browser: z.string().nullable().meta({ example: "Firefox 140" }),
    os: z.string().nullable().meta({ example: "macOS 15.2" }),
    device: z.enum(["desktop", "mobile", "tablet", "tv", "bot"]).nullable(),
    pages: z.array(VisitedPage).max(PAGE_TRAIL_LENGTH).meta({ description: "The last pages, newest last" }),
  })
  .meta({ id: "VisitorContext" });
export type VisitorContext = z.infer<typeof VisitorContext>;

/** What the widget reports on connect and on every navigation. */
export const PageView = z
  .object({
    url: text(2048).url(),
    title: text(300).default(""),
    referrer: text(2048).optional(),
    locale: text(35).optional(),
    timezone: text(64).optional(),
  })
  .strict();
export type PageView = z.infer<typeof PageView>;

/** A site's rule for the visitor's context (`PATCH /v1/sites/{id}` `visitorContext`). */
export const VisitorContextRules = z
  .object({
    queryStrings: z.boolean().meta({
      description: "Keep ?query and #fragment of page URLs and the referrer (off: tokens in URLs never reach agents)",
    }),
  })
  .strict()
  .meta({ id: "VisitorContextRules" });
export type VisitorContextRules = z.infer<typeof VisitorContextRules>;
