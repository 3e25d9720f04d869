import { simpleParser, type AddressObject, type ParsedMail } from "mailparser";
import EmailReplyParser from "email-reply-parser";
import type { Ctx, Principal } from "../domain/context.ts";
import { write } from "../domain/context.ts";
import { ParleyError } from "../domain/errors.ts";
import { hashToken } from "../domain/secrets.ts";
import { authorize } from "../domain/permissions.ts";
import { storeFile } from "../domain/files.ts";
import { insertMessage, type SenderInput } from "../domain/messages.ts";
import { insertConversation } from "../domain/conversations.ts";
import type { CreateConversationBody, TypedMessageInput } from "../../shared/schemas/index.ts";

/** Largest raw email accepted, by SMTP and by POST /v1/inbound/email. */
export const maxInboundEmailBytes = 25 * 1024 * 1024;

const system: Principal = { kind: "system" };

/** The token of the first recipient that is a reply address of this domain, or null. */
export function replyTokenOf(addresses: string[], domain: string): string | null {
  const suffix = `@${domain.toLowerCase()}`;
  for (const a of addresses) {
    const address = a.trim().toLowerCase().replace(/^<|>$/g, "");
    if (!address.endsWith(suffix)) continue;
    const m = /^reply\+([0-9a-f]{40})$/.exec(address.slice(0, -suffix.length));
    if (m) return m[1]!;
  }
  return null;
}

/** The conversation a reply token is bound to, or null for an unknown or forged one. */
export async function conversationOfToken(ctx: Ctx, token: string): Promise<string | null> {
  const row = await ctx.db
    .selectFrom("email_reply_tokens")
    .select("conversation_id")
    .where("token_hash", "=", hashToken(token))
    .executeTakeFirst();
  return row?.conversation_id ?? null;
}

const refused = () => new ParleyError("not_found", "No conversation answers to this reply address");

function headerAddresses(mail: ParsedMail): string[] {
  const list = (v: AddressObject | AddressObject[] | undefined) =>
    (Array.isArray(v) ? v : v ? [v] : []).flatMap((o) => o.value.map((a) => a.address ?? ""));
  const extra = ["delivered-to", "x-original-to", "envelope-to"].flatMap((h) => {
    const v = mail.headers.get(h);
    return typeof v === "string" ? [v] : [];
  });
  return [...list(mail.to), ...list(mail.cc), ...extra];
}

/** The new part of a reply: the text part (or the HTML converted to text), quoted history and signature removed. */
export function replyText(mail: ParsedMail): string {
  const text = mail.text ?? "";
  return new EmailReplyParser().parseReply(text.replace(/\r\n/g, "\n")).trim();
}

/**
 * A reply by email (CONTRACT §9): the new line and the attachments become `contact` messages in
 * the conversation its reply address is bound to, or in a new conversation for the same contact
 * when that one is closed. An unknown or forged address stores nothing. HTML is never rendered:
 * only text (mailparser's text part, or its text conversion of the HTML) is kept.
 */
export async function receiveReply(
  ctx: Ctx,
  raw: Buffer,
  o: { domain: string; recipients?: string[]; principal?: Principal },
): Promise<{ conversationId: string; messageIds: string[] }> {
  if (raw.length > maxInboundEmailBytes) throw new ParleyError("payload_too_large", "The email is too large");
  const mail = await simpleParser(raw, { skipImageLinks: true, skipTextLinks: true });
  const token = replyTokenOf(o.recipients ?? headerAddresses(mail), o.domain);
  const conversationId = token ? await conversationOfToken(ctx, token) : null;
  if (!conversationId) throw refused();
  const conv = await ctx.db
    .selectFrom("conversations")
    .select(["id", "site_id", "contact_id", "visitor_id", "status"])
    .where("id", "=", conversationId)
    .executeTakeFirst();
  if (!conv) throw refused();
  // A site's token answers only for its own site's conversations.
  if (o.principal) authorize(o.principal, "email.inbound", { siteId: conv.site_id }, "Conversation");

  const inputs: TypedMessageInput[] = [];
  const text = replyText(mail);
  if (text) inputs.push({ type: "text", content: { text: text.slice(0, 20_000) } });
  for (const a of mail.attachments) {
    if (a.related) continue; // inline images of the HTML part (logos of a signature)
    try {
      const stored = await storeFile(ctx, system, {
        name: a.filename ?? "attachment",
        mimeType: a.contentType,
        data: a.content,
        siteId: conv.site_id,
        contactId: conv.contact_id,
      });
      inputs.push(
        stored.mimeType.startsWith("image/")
          ? { type: "image", content: { url: stored.url, alt: stored.name } }
          : { type: "file", content: stored },
      );
    } catch (err) {
      if (!(err instanceof ParleyError)) throw err; // a refused type or size: the rest still lands
    }
  }
  if (inputs.length === 0) throw new ParleyError("validation_failed", "The email has no reply text or attachment");

  const sender: SenderInput = { type: "contact", id: conv.contact_id, name: null };
  const key = mail.messageId ? `email:${mail.messageId}`.slice(0, 200) : null;
  return write(ctx, async (trx, emit) => {
    let target = conv.id;
    if (conv.status === "closed") {
      // The email's Message-ID makes a repeated delivery find the conversation it started.
      const body = {
        ...(conv.contact_id ? { contactId: conv.contact_id } : {}),
        ...(key ? { uniqueId: key } : {}),
      } as CreateConversationBody;
      const created = await insertConversation(
        ctx,
        trx,
        emit,
        system,
        conv.site_id,
        body,
        { channel: "api", contactId: conv.contact_id, visitorId: conv.visitor_id },
        undefined,
      );
      target = created.conversation.id;
    }
    const messageIds: string[] = [];
    for (const [i, input] of inputs.entries()) {
      const r = await insertMessage(ctx, trx, emit, target, input, sender, key ? `${key}#${i}` : null);
      messageIds.push(r.message.id);
    }
    return { conversationId: target, messageIds };
  });
}
