import { z } from "zod";
import { Email, Metadata, Phone, Timestamp, text } from "./common.ts";

export const Contact = z
  .object({
    id: z.string().meta({ example: "ct_8fK2m" }),
    name: z.string().nullable(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    externalId: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: "Contact" });
export type Contact = z.infer<typeof Contact>;

/** The short form of a contact embedded in a conversation. */
export const ContactRef = Contact.pick({ id: true, name: true, email: true, phone: true, externalId: true }).meta({
  id: "ContactRef",
});

export const ContactInput = z
  .object({
    name: text(200).nullable().optional(),
    email: Email.nullable().optional(),
    phone: Phone.nullable().optional(),
    externalId: text(200).nullable().optional(),
    metadata: Metadata.optional(),
  })
  .strict()
  .meta({ id: "ContactInput" });
export type ContactInput = z.infer<typeof ContactInput>;
