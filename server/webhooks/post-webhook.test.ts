import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postWebhook } from "./post-webhook.ts";

describe("posting a webhook", () => {
  let server: http.Server;
  let port: number;
  const hits: string[] = [];
  let bigClosed: () => void = () => {};
  let bigSent = 0;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits.push(req.url ?? "");
      if (req.url === "/redirect") return void res.writeHead(302, { location: "/ok" }).end();
      if (req.url === "/big") {
        res.writeHead(200);
        const chunk = Buffer.alloc(16 * 1024, "x");
        const timer = setInterval(() => {
          bigSent += chunk.length;
          res.write(chunk);
        }, 1);
        res.on("close", () => {
          clearInterval(timer);
          bigClosed();
        });
        return;
      }
      res.writeHead(200).end("ok");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const opts = { timeoutMs: 2000, allowPrivate: true };

  it("refuses a private target at delivery time, by literal address or through DNS", async () => {
    const before = hits.length;
    const literal = await postWebhook(`http://127.0.0.1:${port}/ok`, "{}", {}, { ...opts, allowPrivate: false });
    expect(literal).toMatchObject({ status: null });
    expect(literal.error).toContain("refused");
    const named = await postWebhook(`http://localhost:${port}/ok`, "{}", {}, { ...opts, allowPrivate: false });
    expect(named.status).toBeNull();
    expect(named.error).toContain("refused");
    expect(hits.length).toBe(before);
  });

  it("does not follow redirects", async () => {
    const result = await postWebhook(`http://127.0.0.1:${port}/redirect`, "{}", {}, opts);
    expect(result.status).toBe(302);
    expect(hits.at(-1)).toBe("/redirect");
  });

  it("answers with the status at once and hangs up on an endless body after the cap", async () => {
    const closed = new Promise<void>((r) => (bigClosed = r));
    const result = await postWebhook(`http://localhost:${port}/big`, "{}", {}, opts);
    expect(result.status).toBe(200);
    await closed;
    expect(bigSent).toBeLessThan(4 * 1024 * 1024);
  });
});
