import type http from "node:http";
import type { Socket } from "node:net";

/**
 * Graceful shutdown: stop accepting, let in-flight requests finish (their writes commit),
 * close idle keep-alive connections, and give up after a deadline.
 */
export class Drain {
  draining = false;
  private active = new Map<Socket, number>();
  private closers: (() => Promise<void>)[] = [];

  track(server: http.Server): void {
    server.on("connection", (socket) => {
      this.active.set(socket, 0);
      socket.on("close", () => this.active.delete(socket));
    });
    server.on("request", (req, res) => {
      const socket = req.socket;
      this.active.set(socket, (this.active.get(socket) ?? 0) + 1);
      res.on("finish", () => {
        const left = (this.active.get(socket) ?? 1) - 1;
        this.active.set(socket, left);
        if (this.draining && left === 0) {
          if (socket.destroySoon) socket.destroySoon();
          else socket.end();
        }
      });
      if (this.draining) res.setHeader("Connection", "close");
    });
  }

  /** Run before the HTTP server closes (socket.io, webhook dispatcher…). */
  onClose(fn: () => Promise<void>): void {
    this.closers.push(fn);
  }

  async close(server: http.Server, deadlineMs: number): Promise<void> {
    this.draining = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const [socket, inFlight] of this.active) if (inFlight === 0) socket.end();
    for (const fn of this.closers) await fn().catch(() => {});
    const timer = setTimeout(() => {
      for (const socket of this.active.keys()) socket.destroy();
    }, deadlineMs);
    await closed;
    clearTimeout(timer);
  }
}
