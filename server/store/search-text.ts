import { ELLIPSIS, markSnippet, type SnippetPart } from "../../shared/search-marks.ts";

/**
 * The words of search, the same on both databases: a word is a run of letters and digits;
 * words are compared without case and without accents ("Café" = "cafe").
 */
const word = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*/gu;

/** Lower case, accents removed (NFKD, combining marks dropped): what the index and the query both compare. */
export function fold(text: string): string {
  return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

/** The folded words of a text, in order. */
export function searchWords(text: string): string[] {
  return fold(text).match(word) ?? [];
}

/** At most this many words of a query are used (the rest would only narrow it further). */
export const MAX_QUERY_WORDS = 12;

/** The words of a query, each to be prefix-matched; empty when it holds no word at all. */
export function queryWords(q: string): string[] {
  return [...new Set(searchWords(q))].slice(0, MAX_QUERY_WORDS);
}

/** The searchable text of a message: its text, and the titles and texts of cards and quick replies. */
export function messageSearchText(type: string, content: unknown): string {
  const c = (content ?? {}) as Record<string, unknown>;
  const parts: unknown[] = [];
  const str = (v: unknown) => (typeof v === "string" ? v : "");
  switch (type) {
    case "text":
      parts.push(c.text);
      break;
    case "quick_replies":
      parts.push(c.text, ...((c.options as { title?: unknown }[] | undefined) ?? []).map((o) => o.title));
      break;
    case "quick_reply":
      parts.push(c.title);
      break;
    case "cards":
      for (const card of (c.cards as { title?: unknown; text?: unknown; buttons?: { title?: unknown }[] }[]) ?? [])
        parts.push(card.title, card.text, ...(card.buttons ?? []).map((b) => b.title));
      break;
    case "image":
      parts.push(c.alt);
      break;
    case "file":
      parts.push(c.name);
      break;
    case "location":
      parts.push(c.name, c.address);
      break;
    case "contact":
      parts.push(c.name, c.email, c.phone);
      break;
  }
  return parts.map(str).filter(Boolean).join("\n");
}

/** Fields of one document joined so that a snippet shows them apart. */
export const joinFields = (fields: (string | null | undefined)[]) => fields.filter((f) => !!f).join(" · ");

/** Words of context shown before the first match, and the snippet's length at most (characters). */
const BEFORE = 6;
const MAX_SNIPPET = 160;

/**
 * A short piece of `text` around its first matched word, every word that starts with one of the
 * query's words marked (shared/search-marks.ts). Computed here, from the stored text, so that both
 * databases give the same snippets.
 */
export function snippet(text: string, words: string[]): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const spans: { start: number; end: number; hit: boolean }[] = [];
  for (const m of flat.matchAll(word)) {
    const folded = fold(m[0]);
    spans.push({ start: m.index, end: m.index + m[0].length, hit: words.some((w) => folded.startsWith(w)) });
  }
  const first = spans.findIndex((s) => s.hit);
  const from = first <= BEFORE ? 0 : spans[first - BEFORE]!.start;
  let to = Math.min(flat.length, from + MAX_SNIPPET);
  // Never cut a word in two.
  const cut = spans.find((s) => s.start < to && s.end > to);
  if (cut) to = cut.start;
  const parts: SnippetPart[] = [];
  if (from > 0) parts.push({ text: ELLIPSIS, marked: false });
  let at = from;
  for (const s of spans) {
    if (!s.hit || s.start < from || s.end > to) continue;
    if (s.start > at) parts.push({ text: flat.slice(at, s.start), marked: false });
    parts.push({ text: flat.slice(s.start, s.end), marked: true });
    at = s.end;
  }
  if (to > at) parts.push({ text: flat.slice(at, to).trimEnd(), marked: false });
  if (to < flat.length) parts.push({ text: ELLIPSIS, marked: false });
  return markSnippet(parts);
}
