import http from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: { id: string; type: string; createdAt: string; data: any };
  /** The status this receiver answered with, or null when it left the request hanging. */
  status: number | null;
  at: number;
}

/** How to answer the n-th request (0-based): a status, or "hang" to never answer. */
export type Answer = (req: Received, n: number) => number | "hang";

/** A real webhook receiver on 127.0.0.1 that records every request it gets. */
export async function startReceiver(answer: Answer = () => 200) {
  const received: Received[] = [];
  const waiters = new Set<() => void>();
  const hanging = new Set<http.ServerResponse>();
  let respond = answer;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      let body: Received["body"];
      try {
        body = JSON.parse(raw);
      } catch {
        body = { id: "", type: "(not JSON)", createdAt: "", data: null };
      }
      const entry: Received = { headers: req.headers, raw, body, status: null, at: Date.now() };
      const decision = respond(entry, received.length);
      received.push(entry);
      if (decision === "hang") hanging.add(res);
      else {
        entry.status = decision;
        res.statusCode = decision;
        res.end(decision >= 200 && decision < 300 ? "ok" : "nope");
      }
      for (const wake of [...waiters]) wake();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    received,
    /** Bodies this receiver acknowledged with a 2xx. */
    acked: () => received.filter((r) => r.status !== null && r.status >= 200 && r.status < 300),
    setAnswer(next: Answer) {
      respond = next;
    },
    /** Drops every request left hanging. */
    releaseHanging() {
      for (const res of hanging) res.destroy();
      hanging.clear();
    },
    /** Resolves when `check` holds for what has arrived (checked on every request). */
    waitFor(check: (received: Received[]) => boolean, label = "webhook requests"): Promise<void> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(test);
          reject(
            new Error(
              `timed out waiting for ${label}; got ${received.length}: ${received.map((r) => `${r.body.type}/${r.status}`).join(", ")}`,
            ),
          );
        }, 25_000);
        const test = () => {
          if (!check(received)) return;
          clearTimeout(timer);
          waiters.delete(test);
          resolve();
        };
        waiters.add(test);
        test();
      });
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;
