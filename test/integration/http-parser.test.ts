import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.ts";

/**
 * Bytes that are not HTTP never reach the API's routes: Node's parser refuses them. They are still
 * answered in the contract's error envelope (400 bad_request, JSON), the connection is closed, and
 * the server goes on serving.
 */

/** Writes `bytes` on a fresh TCP connection and reads everything until the server closes it. */
function rawExchange(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on("data", (c: Buffer) => chunks.push(c));
    socket.on("error", reject);
    socket.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

function parse(response: string) {
  const [head, body] = response.split("\r\n\r\n", 2) as [string, string | undefined];
  const [statusLine, ...headerLines] = head.split("\r\n");
  const headers = Object.fromEntries(
    headerLines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]),
  );
  return { statusLine, headers, body: body ? JSON.parse(body) : undefined };
}

describe("requests the HTTP parser refuses", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ db: "sqlite" });
  });
  afterAll(async () => {
    await s?.close();
  });

  const cases = [
    [
      "a broken header line",
      "GET /v1/conversations HTTP/1.1\r\nHost: x\r\nnot a header\r\n\r\n",
      "Malformed HTTP request",
    ],
    ["a request line that is not HTTP", "\u0001\u0002 hello there\r\n\r\n", "Malformed HTTP request"],
    [
      "a bad Content-Length",
      "POST /v1/conversations HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
      "Malformed HTTP request",
    ],
    [
      "headers over the parser's limit",
      `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
      "Request headers too large",
    ],
  ] as const;

  it.each(cases)("answers %s with 400 bad_request in the error envelope and closes", async (_name, bytes, message) => {
    const { statusLine, headers, body } = parse(await rawExchange(s.url, bytes));
    expect(statusLine).toBe("HTTP/1.1 400 Bad Request");
    expect(headers["content-type"]).toMatch(/^application\/json/);
    expect(headers.connection).toBe("close");
    expect(body).toEqual({ error: { code: "bad_request", message, details: [] } });
  });

  it("goes on serving after refusing them", async () => {
    await rawExchange(s.url, "garbage\r\n\r\n");
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });
});
