import { z } from "zod";
import { HexColor, Timestamp, line, text } from "./common.ts";
import { Assignment, BusinessHours, ReplyTime } from "./availability.ts";
import { VisitorContextRules } from "./visitor.ts";

const CssLength = z.union([
  z.number().min(-10_000).max(10_000),
  text(40).regex(/^-?\d+(\.\d+)?(px|rem|em|%|vh|vw)?$/, "must be a CSS length such as 20px"),
]);

export const Theme = z
  .object({
    primaryColor: HexColor.optional(),
    textColor: HexColor.optional(),
    background: HexColor.optional(),
    fontFamily: text(200)
      .regex(/^[^;{}<>]*$/, "must be a font-family list")
      .optional(),
    radius: CssLength.optional(),
    position: z.enum(["right", "left"]).optional(),
    offsetX: CssLength.optional(),
    offsetY: CssLength.optional(),
    zIndex: z.number().int().min(-2147483647).max(2147483647).optional(),
    colorScheme: z.enum(["light", "dark", "auto"]).optional(),
  })
  .strict()
  .meta({ id: "Theme" });
export type Theme = z.infer<typeof Theme>;

/** Days a closed conversation is kept (1 to 100 years' worth). */
export const RetentionDays = z.number().int().min(1).max(36_500);

const Origin = text(300).regex(/^https?:\/\/[^/\s]+$/, "must be an origin such as https://example.com (no path)");

export const Site = z
  .object({
    id: z.string().meta({ example: "site_4hQ2" }),
    name: z.string(),
    siteKey: z.string().meta({ example: "pk_live_1a2b3c" }),
    allowedOrigins: z.array(z.string()).meta({ description: "Origins that may embed this site; empty means any" }),
    theme: Theme,
    greeting: z.string().nullable(),
    hasIdentitySecret: z.boolean(),
    businessHours: BusinessHours.nullable(),
    awayMessage: z
      .string()
      .nullable()
      .meta({ description: "Shown to visitors after their first message while the team is away" }),
    replyTime: ReplyTime,
    assignment: Assignment,
    visitorContext: VisitorContextRules,
    retentionDays: z.number().int().nullable().meta({
      description: "Closed conversations older than this many days are deleted (docs/privacy.md); null keeps them",
    }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: "Site" });
export type Site = z.infer<typeof Site>;

export const SiteInput = z
  .object({
    name: line(200),
    allowedOrigins: z.array(Origin).max(100).optional(),
    theme: Theme.optional(),
    greeting: text(1000).nullable().optional(),
    identitySecret: text(500)
      .nullable()
      .optional()
      .meta({ description: "Write-only: verifies user.hash = HMAC-SHA256(secret, user.id)" }),
    businessHours: BusinessHours.nullable().optional(),
    awayMessage: text(1000).nullable().optional(),
    replyTime: ReplyTime.optional(),
    assignment: Assignment.optional(),
    visitorContext: VisitorContextRules.optional(),
    retentionDays: RetentionDays.nullable().optional(),
  })
  .strict()
  .meta({ id: "SiteInput" });
export type SiteInput = z.infer<typeof SiteInput>;

export const SitePatch = SiteInput.partial().strict().meta({ id: "SitePatch" });
export type SitePatch = z.infer<typeof SitePatch>;

/** What the widget may read about its site before the visitor does anything. */
export const PublicSiteConfig = z.object({
  siteKey: z.string(),
  theme: Theme,
  greeting: z.string().nullable(),
  name: z.string(),
  identityRequired: z.boolean(),
  /** CONTRACT §8: within business hours and at least one agent online; changes arrive over the socket. */
  available: z.boolean(),
  awayMessage: z.string().nullable(),
  replyTime: ReplyTime,
  /** CONTRACT §9: the visitor may ask for the transcript by email (the server sends email). */
  transcript: z.boolean().optional(),
});
export type PublicSiteConfig = z.infer<typeof PublicSiteConfig>;
