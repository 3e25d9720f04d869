import net from "node:net";

/**
 * A TCP proxy in front of one or more relay nodes that a test can make misbehave the way networks
 * do: cut connections (both ends closed at once), stall them (bytes held back, then released in
 * order), delay them (every chunk late by some milliseconds), and drop one direction silently (the
 * socket stays open, nothing arrives: a half-dead connection). Each entrance is its own listening
 * port with its own affinity, as a load balancer's sticky sessions give one client one node: it
 * keeps to the node it reached until that node refuses a connection, then moves to the next one.
 */

type Direction = "up" | "down";

interface Flow {
  to: net.Socket;
  queue: { at: number; chunk: Buffer }[];
  timer?: ReturnType<typeof setTimeout>;
  /** Bytes are held until this time (a stall). */
  heldUntil: number;
  /** Every chunk leaves this many milliseconds after it came. */
  delayMs: number;
  /** Bytes in this direction are thrown away (the connection looks alive, nothing arrives). */
  dropping: boolean;
  /** The source ended: end the destination once the queue is empty. */
  ended: boolean;
}

/** One proxied connection: the client's socket and the relay's, and each direction's state. */
export class Pair {
  readonly flows: Record<Direction, Flow>;
  closed = false;

  constructor(
    readonly entrance: Entrance,
    readonly client: net.Socket,
    readonly upstream: net.Socket,
  ) {
    const flow = (to: net.Socket): Flow => ({ to, queue: [], heldUntil: 0, delayMs: 0, dropping: false, ended: false });
    this.flows = { up: flow(upstream), down: flow(client) };
    this.wire(client, "up");
    this.wire(upstream, "down");
  }

  private wire(from: net.Socket, dir: Direction) {
    from.on("data", (chunk: Buffer) => this.push(dir, chunk));
    // In a direction that drops, the end and the close are lost too: the other side never hears of
    // them and keeps its socket open until its own heartbeat gives up on it.
    from.on("end", () => {
      if (this.flows[dir].dropping) return;
      this.flows[dir].ended = true;
      this.pump(dir);
    });
    from.on("close", () => !this.flows[dir].dropping && this.cut());
    from.on("error", () => !this.flows[dir].dropping && this.cut());
  }

  private push(dir: Direction, chunk: Buffer) {
    const flow = this.flows[dir];
    if (flow.dropping || this.closed) return;
    flow.queue.push({ at: Date.now() + flow.delayMs, chunk });
    this.pump(dir);
  }

  /** Writes every chunk that is due, in order, and waits for the next one. */
  private pump(dir: Direction) {
    const flow = this.flows[dir];
    clearTimeout(flow.timer);
    flow.timer = undefined;
    if (this.closed) return;
    const now = Date.now();
    while (flow.queue.length && now >= flow.heldUntil && flow.queue[0]!.at <= now) {
      const { chunk } = flow.queue.shift()!;
      if (!flow.to.destroyed) flow.to.write(chunk);
    }
    if (flow.queue.length) {
      const due = Math.max(flow.heldUntil, flow.queue[0]!.at);
      flow.timer = setTimeout(() => this.pump(dir), Math.max(1, due - now));
    } else if (flow.ended && !flow.to.destroyed) flow.to.end();
  }

  /** Holds back both directions (or one) for `ms`, then delivers what was held, in order. */
  stall(ms: number, dirs: Direction[] = ["up", "down"]) {
    for (const dir of dirs) {
      this.flows[dir].heldUntil = Date.now() + ms;
      this.pump(dir);
    }
  }

  delay(ms: number) {
    for (const flow of Object.values(this.flows)) flow.delayMs = ms;
  }

  /** From now on, bytes in this direction vanish; the sockets stay open. */
  drop(dir: Direction) {
    this.flows[dir].dropping = true;
    this.flows[dir].queue = [];
  }

  cut() {
    if (this.closed) return;
    this.closed = true;
    for (const flow of Object.values(this.flows)) clearTimeout(flow.timer);
    this.client.destroy();
    this.upstream.destroy();
    this.entrance.pairs.delete(this);
  }
}

/** One listening port of the proxy, with its own affinity to a node. */
export class Entrance {
  readonly pairs = new Set<Pair>();
  private server = net.createServer((client) => this.accept(client));
  private downUntil = 0;
  private current: number;
  port = 0;

  /** Entrances are spread over the nodes, as a balancer spreads its clients. */
  constructor(private readonly proxy: ChaosProxy) {
    this.current = proxy.entrances.length;
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return `http://127.0.0.1:${this.port}`;
  }

  private accept(client: net.Socket) {
    client.on("error", () => {});
    if (Date.now() < this.downUntil) return void client.destroy();
    this.connect(client, 0);
  }

  /** Connects to the node this entrance keeps to; a refusal moves it on to the next node. */
  private connect(client: net.Socket, tries: number) {
    const targets = this.proxy.targets;
    if (!targets.length || tries >= targets.length || client.destroyed) return void client.destroy();
    const target = targets[this.current % targets.length]!;
    const upstream = net.connect(target, "127.0.0.1");
    client.pause();
    const refused = () => {
      upstream.destroy();
      // Move on from the node that refused (once, however many connections it refused at once).
      if (this.proxy.targets[this.current % this.proxy.targets.length] === target) this.current++;
      this.connect(client, tries + 1);
    };
    upstream.once("error", refused);
    upstream.once("connect", () => {
      upstream.off("error", refused);
      if (client.destroyed) return void upstream.destroy();
      this.pairs.add(new Pair(this, client, upstream));
      client.resume();
    });
  }

  /** Every connection dropped and new ones refused for `ms` (this client is offline). */
  blackout(ms: number) {
    this.downUntil = Date.now() + ms;
    for (const pair of [...this.pairs]) pair.cut();
  }

  /**
   * The network is healthy again: no delay, nothing held back, no blackout. A connection whose
   * bytes were thrown away cannot carry on (its stream has a hole that TCP would have filled by
   * retransmitting), so it is reset, as a healed path delivers the reset of an end that gave up on
   * it; it is not left for the heartbeats to find (dead-connections.test.ts proves they do).
   */
  heal() {
    this.downUntil = 0;
    for (const pair of [...this.pairs]) {
      if (pair.flows.up.dropping || pair.flows.down.dropping) pair.cut();
      else {
        pair.delay(0);
        pair.stall(0);
      }
    }
  }

  async close() {
    for (const pair of [...this.pairs]) pair.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export class ChaosProxy {
  readonly entrances: Entrance[] = [];

  /** The ports of the nodes behind the proxy; a restarted node's new port replaces the old one. */
  constructor(public targets: number[]) {}

  async entrance(): Promise<{ entrance: Entrance; url: string }> {
    const entrance = new Entrance(this);
    this.entrances.push(entrance);
    return { entrance, url: await entrance.listen() };
  }

  pairs(): Pair[] {
    return this.entrances.flatMap((e) => [...e.pairs]);
  }

  replaceTarget(oldPort: number, newPort: number) {
    this.targets = this.targets.map((p) => (p === oldPort ? newPort : p));
  }

  heal() {
    for (const e of this.entrances) e.heal();
  }

  async close() {
    await Promise.all(this.entrances.map((e) => e.close()));
  }
}
