/**
 * How a search snippet marks the words that matched (CONTRACT §7 "Search").
 *
 * A snippet is HTML-escaped text (`&`, `<`, `>`, `"` and `'` as entities) in which every matched
 * word is wrapped in `<mark>…</mark>`; nothing else is markup. A REST client may put it into a
 * page as HTML as it is; the inbox reads it with `snippetParts` and renders text nodes, never
 * innerHTML. Escaped text cannot hold a literal `<mark>`, so the two never mix up.
 */
export const MARK_OPEN = "<mark>";
export const MARK_CLOSE = "</mark>";
/** Where a snippet was cut from a longer text. */
export const ELLIPSIS = "…";

const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const unentities: Record<string, string> = Object.fromEntries(Object.entries(entities).map(([k, v]) => [v, k]));

export function escapeSnippetText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => entities[c]!);
}

function unescapeSnippetText(text: string): string {
  return text.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => unentities[e]!);
}

export interface SnippetPart {
  text: string;
  marked: boolean;
}

/** Builds a snippet from plain-text parts (the server's side). */
export function markSnippet(parts: SnippetPart[]): string {
  return parts
    .map((p) => (p.marked ? MARK_OPEN + escapeSnippetText(p.text) + MARK_CLOSE : escapeSnippetText(p.text)))
    .join("");
}

/** A snippet back into plain-text parts (the inbox's side); anything malformed reads as text. */
export function snippetParts(snippet: string): SnippetPart[] {
  const parts: SnippetPart[] = [];
  let rest = snippet;
  while (rest.length > 0) {
    const open = rest.indexOf(MARK_OPEN);
    const close = open < 0 ? -1 : rest.indexOf(MARK_CLOSE, open + MARK_OPEN.length);
    if (open < 0 || close < 0) {
      parts.push({ text: unescapeSnippetText(rest), marked: false });
      break;
    }
    if (open > 0) parts.push({ text: unescapeSnippetText(rest.slice(0, open)), marked: false });
    parts.push({ text: unescapeSnippetText(rest.slice(open + MARK_OPEN.length, close)), marked: true });
    rest = rest.slice(close + MARK_CLOSE.length);
  }
  return parts;
}
