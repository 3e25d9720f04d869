import { effect } from "@preact/signals";
import net from "node:net";
import { io, type Socket } from "socket.io-client";
import type { Ack, VisitorClientEvents, VisitorServerEvents, Welcome } from "../../shared/protocol.ts";
import { startTestServer } from "../helpers/server.ts";
import { nodesAvailable, startNodes, type ParleyNode } from "../helpers/nodes.ts";

/** Helpers of the realtime suites: deployments of one or two nodes, and a visitor's socket that records what it hears. */

export type VisitorSocket = Socket<VisitorServerEvents, VisitorClientEvents>;

export interface Deployment {
  /** Where visitors connect. */
  visitorNode: ParleyNode;
  /** Where REST calls go (another node process when there are two). */
  restNode: ParleyNode;
  close(): Promise<void>;
}

export const topologies: { name: string; available: boolean; redis: boolean; start(): Promise<Deployment> }[] = [
  {
    name: "one node",
    available: true,
    redis: false,
    async start() {
      const node = await startTestServer({ db: "sqlite" });
      return { visitorNode: node, restNode: node, close: () => node.close() };
    },
  },
  {
    name: "two node processes joined by Redis",
    available: nodesAvailable,
    redis: true,
    async start() {
      const { nodes, close } = await startNodes(2);
      return { visitorNode: nodes[0]!, restNode: nodes[1]!, close };
    },
  },
];

type Heard = { event: string; args: any[] };

/** A socket.io client on the visitor namespace that keeps every event it receives. */
export class Visitor {
  readonly heard: Heard[] = [];
  private waiters: { match: (h: Heard) => boolean; resolve: (h: Heard) => void }[] = [];
  welcome!: Welcome;

  constructor(readonly socket: VisitorSocket) {
    socket.onAny((event: string, ...args: any[]) => {
      const h = { event, args };
      this.heard.push(h);
      this.waiters = this.waiters.filter((w) => (w.match(h) ? (w.resolve(h), false) : true));
    });
  }

  /** The first event named `event` (already heard or still to come) whose payload matches. */
  next<T = any>(event: string, match: (payload: T) => boolean = () => true): Promise<T> {
    const test = (h: Heard) => h.event === event && match(h.args[0]);
    const seen = this.heard.find(test);
    if (seen) return Promise.resolve(seen.args[0]);
    return new Promise((resolve) => this.waiters.push({ match: test, resolve: (h) => resolve(h.args[0]) }));
  }

  /** Emits with an acknowledgement and resolves with it. */
  call<E extends keyof VisitorClientEvents>(event: E, payload: Parameters<VisitorClientEvents[E]>[0]): Promise<any> {
    return (this.socket.timeout(10_000) as any).emitWithAck(event, payload) as Promise<Ack<any>>;
  }

  events(event: string): any[] {
    return this.heard.filter((h) => h.event === event).map((h) => h.args[0]);
  }

  close(): void {
    this.socket.disconnect();
  }
}

export function openSocket(
  url: string,
  auth: Record<string, unknown>,
  origin?: string,
  headers: Record<string, string> = {},
): VisitorSocket {
  return io(`${url}/visitor`, {
    path: "/socket.io",
    auth,
    transports: ["websocket"],
    reconnection: false,
    forceNew: true,
    extraHeaders: { ...headers, ...(origin ? { Origin: origin } : {}) },
  }) as VisitorSocket;
}

/** Connects a visitor and waits for its welcome. */
export async function connectVisitor(
  url: string,
  auth: Record<string, unknown>,
  origin?: string,
  headers?: Record<string, string>,
): Promise<Visitor> {
  const visitor = new Visitor(openSocket(url, auth, origin, headers));
  const outcome = await Promise.race([
    visitor.next<Welcome>("welcome").then((w) => ({ welcome: w })),
    new Promise<{ error: Error }>((resolve) => visitor.socket.once("connect_error", (error) => resolve({ error }))),
  ]);
  if ("error" in outcome) throw outcome.error;
  visitor.welcome = outcome.welcome;
  return visitor;
}

/** The connect_error of a handshake the relay refuses. */
export function refusedHandshake(
  url: string,
  auth: Record<string, unknown>,
  origin?: string,
): Promise<Error & { data?: { code?: string } }> {
  const socket = openSocket(url, auth, origin);
  return new Promise((resolve, reject) => {
    socket.once("connect_error", (err) => {
      socket.disconnect();
      resolve(err as Error & { data?: { code?: string } });
    });
    socket.once("connect", () => {
      socket.disconnect();
      reject(new Error("the handshake was accepted"));
    });
  });
}

let counter = 0;
/** A fresh client id, as the widget makes them. */
export const clientId = () =>
  `c${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 8)}`;

export const text = (t: string) => ({ type: "text" as const, content: { text: t } });

/** Resolves once `ready()` holds, re-checked whenever a signal it reads changes. */
export function until(ready: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const dispose = effect(() => {
      if (done || !ready()) return;
      done = true;
      resolve();
      queueMicrotask(() => dispose());
    });
  });
}

/** A TCP relay in front of a server whose link can be cut and restored, as a network drops. */
export class FlakyLink {
  private server = net.createServer((client) => this.accept(client));
  private open = new Set<net.Socket>();
  private down = false;
  port = 0;

  constructor(private readonly target: number) {}

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return `http://127.0.0.1:${this.port}`;
  }

  private accept(client: net.Socket) {
    if (this.down) return void client.destroy();
    const upstream = net.connect(this.target, "127.0.0.1");
    for (const s of [client, upstream]) {
      this.open.add(s);
      s.on("close", () => this.open.delete(s));
      s.on("error", () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
  }

  cut(): void {
    this.down = true;
    for (const s of this.open) s.destroy();
  }

  restore(): void {
    this.down = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
