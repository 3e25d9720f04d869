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

export function hashFor(conversationId: string | null): string {
  return conversationId ? `#/conversations/${encodeURIComponent(conversationId)}` : "#/";
}
