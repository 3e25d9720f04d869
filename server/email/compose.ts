/** The unseen-messages email (CONTRACT §9): a text part and an HTML part that mail clients render. */

export interface EmailLine {
  from: string;
  at: string;
  text: string;
  link?: { name: string; url: string };
}

export interface EmailContent {
  siteName: string;
  colour: string;
  pageUrl: string | null;
  lines: EmailLine[];
}

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** What a stored message says, as plain text (a file becomes its name and link). */
export function messageLine(
  sender: { type: string; name: string | null },
  siteName: string,
  type: string,
  content: Record<string, unknown>,
  at: string,
): EmailLine {
  const from = sender.name || (sender.type === "bot" ? `${siteName} (bot)` : siteName);
  const str = (k: string) => (typeof content[k] === "string" ? (content[k] as string) : "");
  if ((type === "file" || type === "image") && str("url"))
    return { from, at, text: str("caption") || str("alt"), link: { name: str("name") || str("url"), url: str("url") } };
  return { from, at, text: str("text") || str("title") || `(${type.replace("_", " ")})` };
}

export function subjectOf(c: EmailContent): string {
  return c.lines.length === 1 ? `New reply from ${c.siteName}` : `${c.lines.length} new replies from ${c.siteName}`;
}

export function renderText(c: EmailContent): string {
  const parts = c.lines.map(
    (l) => `${l.from}:\n${l.text}${l.link ? `${l.text ? "\n" : ""}${l.link.name}: ${l.link.url}` : ""}`,
  );
  return [
    `You have ${c.lines.length === 1 ? "a new reply" : `${c.lines.length} new replies`} from ${c.siteName}.`,
    "",
    parts.join("\n\n"),
    "",
    "Reply to this email to answer.",
    ...(c.pageUrl ? [`Or continue the chat: ${c.pageUrl}`] : []),
  ].join("\n");
}

/** Table layout with inline styles: what Outlook, Gmail and Apple Mail all render alike. */
export function renderHtml(c: EmailContent): string {
  const colour = /^#[0-9a-fA-F]{3,8}$/.test(c.colour) ? c.colour : "#2563eb";
  const rows = c.lines
    .map((l) => {
      const text = escape(l.text).replace(/\r?\n/g, "<br>");
      const link = l.link
        ? `<br><a href="${escape(l.link.url)}" style="color:${colour};">${escape(l.link.name)}</a>`
        : "";
      return `<tr><td style="padding:12px 24px;border-bottom:1px solid #e5e7eb;font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#111827;"><strong style="color:#374151;">${escape(l.from)}</strong><br>${text}${link}</td></tr>`;
    })
    .join("");
  const back = c.pageUrl
    ? `<tr><td style="padding:16px 24px;"><a href="${escape(c.pageUrl)}" style="display:inline-block;background:${colour};color:#ffffff;text-decoration:none;padding:10px 18px;border-radius:4px;font-family:Arial,Helvetica,sans-serif;font-size:14px;">Continue the chat</a></td></tr>`
    : "";
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head><body style="margin:0;padding:0;background:#f3f4f6;"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f3f4f6;"><tr><td align="center" style="padding:24px 8px;"><table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;width:100%;background:#ffffff;border-radius:6px;"><tr><td style="background:${colour};padding:16px 24px;font-family:Arial,Helvetica,sans-serif;font-size:18px;font-weight:bold;color:#ffffff;border-radius:6px 6px 0 0;">${escape(c.siteName)}</td></tr>${rows}${back}<tr><td style="padding:12px 24px;font-family:Arial,Helvetica,sans-serif;font-size:12px;color:#6b7280;">Reply to this email to answer.</td></tr></table></td></tr></table></body></html>`;
}
