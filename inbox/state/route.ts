/**
 * The open conversation lives in the URL hash (`#/conversations/conv_…`), the same form as the
 * links the API hands out, so links, reloads and the back button all work.
 */
export function conversationIdFromHash(hash: string): string | null {
  const match = /^#\/conversations\/([^/?#]+)/.exec(hash);
  if (!match) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
}

/** `?seq=12` after the conversation: the message to scroll to and highlight (a search result). */
export function seqFromHash(hash: string): number | null {
  const match = /^#\/conversations\/[^/?#]+\?(?:.*&)?seq=(\d{1,10})(?:&|$)/.exec(hash);
  return match ? Number(match[1]) : null;
}

export function hashFor(conversationId: string | null, seq?: number | null): string {
  if (!conversationId) return "#/";
  return `#/conversations/${encodeURIComponent(conversationId)}${seq ? `?seq=${seq}` : ""}`;
}
