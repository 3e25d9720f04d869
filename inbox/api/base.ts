/**
 * Where the relay lives, as seen from the inbox page: the inbox is served at `<base>/inbox/`,
 * so a relay under a path prefix (https://example.com/chat/inbox/) works unchanged.
 */
export function relayBase(pathname: string = location.pathname): string {
  const at = pathname.search(/\/inbox(\/|$)/);
  return at >= 0 ? pathname.slice(0, at) : "";
}
