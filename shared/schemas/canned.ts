import { z } from "zod";
import { Timestamp, idOf, line } from "./common.ts";
import { MessageInput, messageTypes } from "./message.ts";

/** Saved replies (canned responses, CONTRACT §7). */
export const cannedScopes = ["team", "personal"] as const;
export type CannedScope = (typeof cannedScopes)[number];

export const Shortcut = z
  .string()
  .min(1, "must be 1–32 characters")
  .max(32, "must be 1–32 characters")
  .regex(/^[a-z0-9_-]+$/, "may hold only a–z, 0–9, _ and - (no spaces)")
  .meta({ description: "Typed after `/` in the inbox; 1–32 of a–z 0–9 _ -, unique per scope", example: "refund" });

export const CannedResponse = z
  .object({
    id: z.string().meta({ example: "cr_3kP9wq" }),
    shortcut: z.string(),
    title: z.string(),
    message: z
      .object({ type: z.enum(messageTypes), content: z.record(z.string(), z.unknown()) })
      .meta({ description: "The message input as `{ type, content }`, placeholders unfilled" }),
    scope: z.enum(cannedScopes),
    siteId: z.string().nullable().meta({ description: "null: every site" }),
    createdBy: z.string().nullable().meta({ description: "The agent who made it; null when made with a token" }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: "CannedResponse" });
export type CannedResponse = z.infer<typeof CannedResponse>;

const scopeField = z.enum(cannedScopes).meta({
  description:
    "team: every agent sees it, owners/admins/tokens manage it; personal: only its author (an agent) sees it. Defaults to personal for an agent, team for a token",
});
/** Any message input of §3; its readable text may hold placeholders (shared/placeholders.ts). */
const messageField = MessageInput;

export const CannedResponseInput = z
  .object({
    shortcut: Shortcut,
    title: line(200),
    message: messageField,
    scope: scopeField.optional(),
    siteId: idOf("site_")
      .nullable()
      .optional()
      .meta({ description: "Only for this site's conversations; default: a site token's site, else every site" }),
  })
  .strict()
  .meta({ id: "CannedResponseInput" });
export type CannedResponseInput = z.infer<typeof CannedResponseInput>;

export const CannedResponsePatch = z
  .object({
    shortcut: Shortcut.optional(),
    title: line(200).optional(),
    message: messageField.optional(),
    scope: z.enum(cannedScopes).optional(),
    siteId: idOf("site_").nullable().optional(),
  })
  .strict()
  .meta({ id: "CannedResponsePatch" });
export type CannedResponsePatch = z.infer<typeof CannedResponsePatch>;

export const CannedResponseQuery = z
  .object({
    scope: z.enum(cannedScopes).optional(),
    siteId: idOf("site_")
      .optional()
      .meta({ description: "Those usable on this site's conversations: the site's own and every site's" }),
  })
  .strict();
export type CannedResponseQuery = z.infer<typeof CannedResponseQuery>;

export const CannedResponseList = z.object({ items: z.array(CannedResponse) }).meta({ id: "CannedResponseList" });
