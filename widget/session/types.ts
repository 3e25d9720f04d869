import type { ReadonlySignal } from "@preact/signals";
import type { Message, TypedMessageInput } from "../../shared/schemas/message.ts";
import type { PublicSiteConfig } from "../../shared/schemas/site.ts";
import type { TimelineEntry } from "../../shared/timeline.ts";

/**
 * The contract between the widget's UI (widget/app) and its realtime session (widget/session).
 * The UI only reads these signals and calls these methods; it never touches the socket.
 */

/** A message as the widget shows it: stored ones by seq, then the visitor's unsent ones (shared/timeline.ts). */
export type ViewMessage = TimelineEntry;

export type ConnectionState = "idle" | "connecting" | "online" | "offline";

export interface VisitorUser {
  id?: string;
  name?: string;
  email?: string;
  phone?: string;
  hash?: string;
}

export interface Session {
  readonly connection: ReadonlySignal<ConnectionState>;
  readonly site: ReadonlySignal<PublicSiteConfig | null>;
  /** The current conversation id, or null before the first send. */
  readonly conversationId: ReadonlySignal<string | null>;
  readonly conversationStatus: ReadonlySignal<"open" | "waiting" | "solved" | "closed" | null>;
  readonly messages: ReadonlySignal<ViewMessage[]>;
  /** Name of the agent or bot typing now, "" when someone unnamed types, null when nobody. */
  readonly agentTyping: ReadonlySignal<string | null>;
  /** Agent/bot messages the visitor has not seen. */
  readonly unread: ReadonlySignal<number>;
  /** The relay refused the last send as too fast (`rate_limited`); it goes again shortly. */
  readonly throttled?: ReadonlySignal<boolean>;
  /** Opens the socket (idempotent). The loader calls it when the panel opens or a conversation exists. */
  connect(): void;
  /** Leaves a closed conversation: the panel is empty and the next send starts a new one. */
  startNew(): void;
  /**
   * Uploads a file with the visitor's token and then sends it as an image or file message.
   * Rejects with an UploadError (upload.ts) and sends nothing when the upload fails.
   */
  upload(file: File): Promise<void>;
  /** Sends a message; it shows at once as "sending" and survives offline and reloads. */
  send(input: TypedMessageInput): void;
  setTyping(typing: boolean): void;
  /** The visitor has seen everything shown (called while the panel is open and visible). */
  markAllRead(): void;
  identify(user: VisitorUser): void;
  /** Disconnects and forgets this visitor on this site (token, conversation, outbox). */
  shutdown(): void;
  /**
   * The current conversation was rated since it was last solved or closed, or the visitor skipped
   * rating it (remembered per conversation on this site): the survey shows no more.
   */
  readonly rated?: ReadonlySignal<boolean>;
  /**
   * Rates the current conversation 1–5 with an optional comment (CONTRACT §10). Absent while the
   * relay takes no ratings: the panel then shows no survey.
   */
  rate?(score: number, comment: string): void;
  /** The visitor skipped rating the current conversation. */
  skipRating?(): void;
  /**
   * Emails the current conversation to the contact (CONTRACT §9); `email` is stored on the contact
   * first where it has none. Answers the address it goes to, or the error code (`offline` when
   * the relay could not be asked).
   */
  transcript?(email: string | null): Promise<{ to: string } | { error: string }>;
  /** Each stored agent/bot message once, for Parley("on", "message"). Returns an unsubscribe. */
  onMessage(handler: (message: Message) => void): () => void;
}

export interface SessionOptions {
  /** Relay base URL derived from widget.js's src, path prefix included, no trailing slash. */
  baseUrl: string;
  siteKey: string;
  user?: VisitorUser;
  /** Storage to persist the visitor token, conversation and outbox (defaults to localStorage). */
  storage?: Storage;
  /**
   * The WebSocket constructor the session reaches the relay with (default: the global one). Node
   * 20 has no WebSocket global: code that runs the session there passes the `ws` package's.
   */
  WebSocket?: typeof WebSocket;
}
