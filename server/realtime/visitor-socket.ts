import type { Namespace, Socket } from "socket.io";
import type { VisitorClientEvents, VisitorConversation, VisitorServerEvents } from "../../shared/protocol.ts";
import type { Conversation } from "../../shared/schemas/index.ts";
import type { SiteRow, VisitorRow } from "../store/tables.ts";

/** What the /visitor namespace keeps of a widget's socket, and the rooms it follows. */

export interface SocketData {
  site: SiteRow;
  visitor: VisitorRow;
  token: string;
  identified: boolean;
}
export type VisitorSocket = Socket<VisitorClientEvents, VisitorServerEvents, Record<string, never>, SocketData>;
export type VisitorNamespace = Namespace<VisitorClientEvents, VisitorServerEvents, Record<string, never>, SocketData>;

export const visitorRoom = (visitorId: string) => `visitor:${visitorId}`;
export const conversationRoom = (conversationId: string) => `conv:${conversationId}`;
/** Every widget of a site: hears the site's availability (realtime/availability.ts). */
export const siteVisitorsRoom = (siteId: string) => `site:${siteId}`;

/** What a visitor may see of a conversation's state. */
export function stateOf(c: Conversation): VisitorConversation {
  return { id: c.id, status: c.status, lastSeq: c.lastMessage?.seq ?? 0, readUpTo: c.readUpTo, rating: c.rating };
}
