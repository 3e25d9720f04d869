import { io, type Socket } from "socket.io-client";
import { signal, type ReadonlySignal } from "@preact/signals";
import {
  agentNamespace,
  type AgentEventMap,
  type AgentEventType,
  type AgentServerToClient,
} from "../../shared/inbox.ts";
import { relayBase } from "./base.ts";

export type LiveHandlers = { [K in AgentEventType]?: (payload: AgentEventMap[K]) => void };

/** The inbox's live feed: every conversation, message, typing and read event for agents. */
export interface Live {
  readonly online: ReadonlySignal<boolean>;
  /** Adds handlers by event kind; returns a function that removes them. */
  on(handlers: LiveHandlers): () => void;
  /** Called after a reconnect, when events may have been missed: reload what is shown. */
  onResync(fn: () => void): () => void;
  /**
   * Called when the relay cut this socket (the session ended: signed out in another tab, or
   * expired; or the node is shutting down). socket.io does not reconnect by itself then.
   */
  onCut(fn: () => void): () => void;
  reconnect(): void;
  close(): void;
}

const eventTypes: AgentEventType[] = [
  "conversation.created",
  "conversation.updated",
  "conversation.closed",
  "message.created",
  "message.completed",
  "message.appended",
  "typing",
  "read",
  "contact.updated",
  "agent.updated",
];

/** Connects to the `/agent` namespace with the session cookie the browser already holds. */
export function connectLive(base: string = relayBase()): Live {
  const online = signal(false);
  const handlers = new Set<LiveHandlers>();
  const resyncs = new Set<() => void>();
  const cuts = new Set<() => void>();
  const socket: Socket<AgentServerToClient> = io(`${location.origin}${agentNamespace}`, {
    path: `${base}/socket.io`,
    withCredentials: true,
    transports: ["websocket", "polling"],
  });
  let wasOnline = false;
  socket.on("connect", () => {
    online.value = true;
    if (wasOnline) for (const fn of resyncs) fn();
    wasOnline = true;
  });
  socket.on("disconnect", (reason) => {
    online.value = false;
    if (reason === "io server disconnect") for (const fn of cuts) fn();
  });
  socket.on("connect_error", () => {
    online.value = false;
  });
  for (const type of eventTypes) {
    (socket.on as (name: string, fn: (payload: unknown) => void) => void)(type, (payload) => {
      for (const h of handlers) (h[type] as ((p: unknown) => void) | undefined)?.(payload);
    });
  }
  return {
    online,
    on(h) {
      handlers.add(h);
      return () => handlers.delete(h);
    },
    onResync(fn) {
      resyncs.add(fn);
      return () => resyncs.delete(fn);
    },
    onCut(fn) {
      cuts.add(fn);
      return () => cuts.delete(fn);
    },
    reconnect: () => void socket.connect(),
    close: () => socket.disconnect(),
  };
}
