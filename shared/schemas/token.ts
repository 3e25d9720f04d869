import { z } from "zod";
import { Timestamp, idOf, line } from "./common.ts";

export const Token = z
  .object({
    id: z.string().meta({ example: "tok_5Yt2" }),
    name: z.string(),
    siteId: z.string().nullable().meta({ description: "null: an admin token for every site" }),
    createdAt: Timestamp,
    lastUsedAt: Timestamp.nullable(),
  })
  .meta({ id: "Token" });
export type Token = z.infer<typeof Token>;

export const CreatedToken = Token.extend({
  secret: z.string().meta({ description: "sk_…, shown only in this answer" }),
}).meta({ id: "CreatedToken" });

export const TokenInput = z
  .object({ name: line(100), siteId: idOf("site_").optional().meta({ description: "Scope the token to one site" }) })
  .strict()
  .meta({ id: "TokenInput" });
export type TokenInput = z.infer<typeof TokenInput>;
