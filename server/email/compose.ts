/**
 * The emails Parley sends (CONTRACT §9, docs/email.md): the unseen-messages email, the transcript
 * and the agents' notifications. One family: a text part, and an HTML part in a table layout with
 * inline styles (what Outlook, Gmail and Apple Mail all render alike), the site's name in a bar of
 * its colour. Everything anyone wrote is escaped in the HTML part.
 */

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

const font = "font-family:Arial,Helvetica,sans-serif;";

/** What a stored message says, as plain text (a file becomes its name and link). */
export function messageLine(
  sender: { type: string; name: string | null },
  siteName: string,
  type: string,
  content: Record<string, unknown>,
  at: string,
): EmailLine {
  const from =
    sender.type === "contact"
      ? sender.name || "You"
      : sender.name || (sender.type === "bot" ? `${siteName} (bot)` : siteName);
  const str = (k: string) => (typeof content[k] === "string" ? (content[k] as string) : "");
  if ((type === "file" || type === "image") && str("url"))
    return { from, at, text: str("caption") || str("alt"), link: { name: str("name") || str("url"), url: str("url") } };
  return { from, at, text: str("text") || str("title") || str("name") || `(${type.replace("_", " ")})` };
}

export function subjectOf(c: EmailContent): string {
  return c.lines.length === 1 ? `New reply from ${c.siteName}` : `${c.lines.length} new replies from ${c.siteName}`;
}

const lineText = (l: EmailLine, when = false) =>
  `${l.from}${when && l.at ? ` (${stamp(l.at)})` : ""}:\n${l.text}${l.link ? `${l.text ? "\n" : ""}${l.link.name}: ${l.link.url}` : ""}`;

/** "2026-12-01 09:30 UTC": the same for every reader, whatever their time zone. */
const stamp = (iso: string) =>
  /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : iso;

export function renderText(c: EmailContent): string {
  return [
    `You have ${c.lines.length === 1 ? "a new reply" : `${c.lines.length} new replies`} from ${c.siteName}.`,
    "",
    c.lines.map((l) => lineText(l)).join("\n\n"),
    "",
    "Reply to this email to answer.",
    ...(c.pageUrl ? [`Or continue the chat: ${c.pageUrl}`] : []),
  ].join("\n");
}

export function renderHtml(c: EmailContent): string {
  return layout({
    siteName: c.siteName,
    colour: c.colour,
    rows: c.lines.map((l) => lineRow(l, c.colour)),
    button: c.pageUrl ? { label: "Continue the chat", url: c.pageUrl } : null,
    footer: "Reply to this email to answer.",
  });
}

/** The whole conversation, for the visitor (CONTRACT §9). */
export function transcriptSubject(c: EmailContent): string {
  return `Your conversation with ${c.siteName}`;
}

export function transcriptText(c: EmailContent): string {
  return [
    `The transcript of your conversation with ${c.siteName}.`,
    "",
    c.lines.map((l) => lineText(l, true)).join("\n\n"),
    "",
    "Reply to this email to write to us again.",
    ...(c.pageUrl ? [`Or continue the chat: ${c.pageUrl}`] : []),
  ].join("\n");
}

export function transcriptHtml(c: EmailContent): string {
  return layout({
    siteName: c.siteName,
    colour: c.colour,
    intro: `The transcript of your conversation with ${c.siteName}.`,
    rows: c.lines.map((l) => lineRow(l, c.colour, true)),
    button: c.pageUrl ? { label: "Continue the chat", url: c.pageUrl } : null,
    footer: "Reply to this email to write to us again.",
  });
}

/** An agent's notification (docs/email.md): what happened, what was said, a link to the inbox. */
export interface NoticeContent {
  siteName: string;
  colour: string;
  /** "New conversation", "Assigned to you", "You were mentioned". */
  headline: string;
  /** Who the conversation is with. */
  about: string;
  line: EmailLine | null;
  inboxUrl: string;
}

export function noticeSubject(n: NoticeContent): string {
  return `${n.headline}: ${n.about} (${n.siteName})`;
}

export function noticeText(n: NoticeContent): string {
  return [
    `${n.headline} on ${n.siteName}: ${n.about}.`,
    ...(n.line ? ["", lineText(n.line)] : []),
    "",
    `Open it in the inbox: ${n.inboxUrl}`,
    "",
    "You get these emails while you are offline because you turned them on in the inbox.",
  ].join("\n");
}

export function noticeHtml(n: NoticeContent): string {
  return layout({
    siteName: n.siteName,
    colour: n.colour,
    intro: `${n.headline}: ${n.about}.`,
    rows: n.line ? [lineRow(n.line, n.colour)] : [],
    button: { label: "Open in the inbox", url: n.inboxUrl },
    footer: "You get these emails while you are offline because you turned them on in the inbox.",
  });
}

function lineRow(l: EmailLine, colour: string, when = false): string {
  const text = escape(l.text).replace(/\r?\n/g, "<br>");
  const link = l.link
    ? `<br><a href="${escape(l.link.url)}" style="color:${safeColour(colour)};">${escape(l.link.name)}</a>`
    : "";
  const at = when && l.at ? ` <span style="color:#6b7280;font-size:12px;">${escape(stamp(l.at))}</span>` : "";
  return `<tr><td style="padding:12px 24px;border-bottom:1px solid #e5e7eb;${font}font-size:15px;line-height:1.5;color:#111827;"><strong style="color:#374151;">${escape(l.from)}</strong>${at}<br>${text}${link}</td></tr>`;
}

const safeColour = (c: string) => (/^#[0-9a-fA-F]{3,8}$/.test(c) ? c : "#2563eb");

function layout(o: {
  siteName: string;
  colour: string;
  intro?: string;
  rows: string[];
  button: { label: string; url: string } | null;
  footer: string;
}): string {
  const colour = safeColour(o.colour);
  const intro = o.intro
    ? `<tr><td style="padding:16px 24px 4px;${font}font-size:15px;color:#111827;">${escape(o.intro)}</td></tr>`
    : "";
  const button = o.button
    ? `<tr><td style="padding:16px 24px;"><a href="${escape(o.button.url)}" style="display:inline-block;background:${colour};color:#ffffff;text-decoration:none;padding:10px 18px;border-radius:4px;${font}font-size:14px;">${escape(o.button.label)}</a></td></tr>`
    : "";
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head><body style="margin:0;padding:0;background:#f3f4f6;"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f3f4f6;"><tr><td align="center" style="padding:24px 8px;"><table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;width:100%;background:#ffffff;border-radius:6px;"><tr><td style="background:${colour};padding:16px 24px;${font}font-size:18px;font-weight:bold;color:#ffffff;border-radius:6px 6px 0 0;">${escape(o.siteName)}</td></tr>${intro}${o.rows.join("")}${button}<tr><td style="padding:12px 24px;${font}font-size:12px;color:#6b7280;">${escape(o.footer)}</td></tr></table></td></tr></table></body></html>`;
}
