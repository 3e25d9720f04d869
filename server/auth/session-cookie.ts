import { parseCookie } from "cookie";

/** The inbox's session cookie: HttpOnly, SameSite=Lax, Secure when the request came over HTTPS. */
export const sessionCookie = "parley_session";

/** The session token in a Cookie header, if any. */
export function sessionTokenFrom(cookieHeader: string | undefined): string | null {
  if (!cookieHeader) return null;
  try {
    return parseCookie(cookieHeader)[sessionCookie] || null;
  } catch {
    return null;
  }
}
