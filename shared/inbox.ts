/**
 * What the inbox and the relay agree on: the CSRF header that cookie-authenticated writes carry,
 * and the `/agent` socket namespace (its events: AgentEventMap in protocol.ts).
 */

/**
 * A state-changing request authenticated by the session cookie must carry this header with the
 * value "1". A cross-site form cannot set a header, and cross-origin scripts are refused it by
 * CORS, so its presence proves the request came from the inbox itself.
 */
export const csrfHeader = "X-Parley-CSRF";

/** Sign in, read the current agent, sign out. */
export const sessionPath = "/v1/inbox/session";

/** The socket.io namespace the inbox listens on. */
export const agentNamespace = "/agent";
