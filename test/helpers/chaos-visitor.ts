import { createSession } from "../../widget/session/index.ts";
import type { Session } from "../../widget/session/types.ts";
import type { Message } from "../../shared/schemas/message.ts";
import { NodeWebSocket } from "./node-websocket.ts";
import { memoryStorage } from "./memory-storage.ts";

/**
 * A visitor for fault tests: the widget's own session layer (widget/session, the code the
 * browser runs: client ids, the stored outbox resent after every reconnect, resync by seq) in
 * Node, with its own in-memory storage, and a record of what its visitor typed and was told.
 */
export class ChaosVisitor {
  readonly session: Session;
  readonly storage = memoryStorage();
  /** Every text this visitor typed, in order, and whether the widget was offline then. */
  readonly typed: { text: string; offline: boolean }[] = [];
  /** Agent messages the widget told the page about (Parley("on", "message")), in the order told. */
  readonly told: Message[] = [];

  constructor(
    readonly name: string,
    baseUrl: string,
    siteKey: string,
  ) {
    this.session = createSession({ baseUrl, siteKey, storage: this.storage, WebSocket: NodeWebSocket });
    this.session.onMessage((m) => this.told.push(m));
  }

  connect() {
    this.session.connect();
  }

  online(): boolean {
    return this.session.connection.value === "online";
  }

  /** The visitor types a message (with the typing indicator first, as the composer does) and sends it. */
  type(text: string) {
    this.typed.push({ text, offline: !this.online() });
    this.session.setTyping(true);
    this.session.send({ type: "text", content: { text } });
  }

  /** What the widget shows as stored (not sending), in the order shown. */
  shown(): Message[] {
    return this.session.messages.value.filter((m) => m.delivery === "sent").map((m) => m.message);
  }

  /** Messages still waiting in the widget (the stored outbox, or refused). */
  unsent(): number {
    return this.session.messages.value.filter((m) => m.delivery !== "sent").length;
  }

  close() {
    this.session.shutdown();
  }
}
