import { z } from "zod";

/** Plain text that a database of either kind stores as given: no NUL characters. */
export function text(max: number) {
  return z
    .string()
    .max(max, `must be at most ${max} characters`)
    .refine((s) => !s.includes("\u0000"), "must not contain NUL characters");
}

/** A required, non-blank line of text. */
export function line(max = 200) {
  return text(max).refine((s) => s.trim().length > 0, "must not be blank");
}

export const Timestamp = z.iso
  .datetime()
  .meta({ description: "ISO 8601 UTC timestamp", example: "2026-11-21T12:00:00.000Z" });

export const Metadata = z
  .record(text(100), z.json())
  .refine((m) => Object.keys(m).length <= 50, "at most 50 keys")
  .refine((m) => JSON.stringify(m).length <= 16_384, "at most 16 KB when serialised")
  .meta({ id: "Metadata", description: "Free-form key/value data, at most 50 keys and 16 KB" });

export const Email = z.email().max(254);
export const Phone = text(32).regex(/^\+?[0-9 ().-]{3,31}$/, "must be a phone number");
export const Url = z.url({ protocol: /^https?$/ }).max(2048);
export const HexColor = z
  .string()
  .regex(/^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/, "must be a hex colour such as #4f46e5");
export const UniqueId = line(200).meta({
  description: "Client-chosen idempotency key: the same value again returns the stored object",
});

/** An id of one kind: its prefix, then base64url characters (nothing else can name an object). */
export function idOf(prefix: string) {
  return z
    .string()
    .startsWith(prefix, `must start with ${prefix}`)
    .max(64)
    .regex(/^[A-Za-z0-9_-]+$/, "must be an id");
}

/** Query-string integers: "20" → 20, with bounds. */
export function queryInt(min: number, max: number) {
  return z.coerce
    .number({ error: "must be a whole number" })
    .int("must be a whole number")
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);
}

export const Page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), hasMore: z.boolean(), nextCursor: z.string().nullable() });
