import http from "node:http";
import https from "node:https";
import net from "node:net";
import { blockedAddressReason, guardedLookup } from "./ssrf-guard.ts";

/** Response bodies are read up to this many bytes, then dropped. */
export const responseBodyCap = 64 * 1024;

export interface PostResult {
  /** HTTP status, or null when no answer came. */
  status: number | null;
  error: string | null;
  /** The caller aborted (shutdown): not an attempt. */
  aborted?: boolean;
}

export interface PostOptions {
  timeoutMs: number;
  allowPrivate: boolean;
  signal?: AbortSignal;
  agents?: { http: http.Agent; https: https.Agent };
}

/**
 * POSTs one webhook body. The answer's status decides; redirects are not followed, the body is
 * drained up to a cap, and the whole exchange has `timeoutMs`. Unless private targets are
 * allowed, the address actually connected to must be public: a custom DNS lookup refuses
 * blocked answers, and the connected socket's remote address is checked again.
 */
export function postWebhook(
  url: string,
  body: string,
  headers: Record<string, string>,
  opts: PostOptions,
): Promise<PostResult> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve({ status: null, error: "invalid url" });
  }
  if (target.protocol !== "http:" && target.protocol !== "https:")
    return Promise.resolve({ status: null, error: "not an http(s) url" });
  const host = target.hostname.replace(/^\[|\]$/g, "");
  if (!opts.allowPrivate && net.isIP(host)) {
    // Literal addresses never pass through `lookup`.
    const reason = blockedAddressReason(host);
    if (reason) return Promise.resolve({ status: null, error: `refused: ${host} is ${reason}` });
  }
  const secure = target.protocol === "https:";
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: PostResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      resolve(result);
    };
    const request = (secure ? https : http).request(
      target,
      {
        method: "POST",
        headers: { ...headers, "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) },
        lookup: guardedLookup(opts.allowPrivate) as unknown as net.LookupFunction,
        agent: opts.agents ? (secure ? opts.agents.https : opts.agents.http) : undefined,
      },
      (res) => {
        finish({ status: res.statusCode ?? null, error: null });
        drain(res, opts.timeoutMs);
      },
    );
    request.on("socket", (socket) => {
      if (opts.allowPrivate || !socket.connecting) return;
      socket.once("connect", () => {
        const reason = socket.remoteAddress ? blockedAddressReason(socket.remoteAddress) : "unknown";
        if (reason) request.destroy(new Error(`refused: connected to ${reason}`));
      });
    });
    request.on("error", (err: NodeJS.ErrnoException) => finish({ status: null, error: describe(err) }));
    const timer = setTimeout(() => {
      finish({ status: null, error: `timeout after ${opts.timeoutMs} ms` });
      request.destroy();
    }, opts.timeoutMs);
    const onAbort = () => {
      finish({ status: null, error: "aborted", aborted: true });
      request.destroy();
    };
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    request.end(body);
  });
}

/** Reads and drops the response body, up to the cap and within the time limit. */
function drain(res: http.IncomingMessage, timeoutMs: number): void {
  let received = 0;
  const timer = setTimeout(() => res.destroy(), timeoutMs);
  timer.unref();
  res.on("data", (chunk: Buffer) => {
    received += chunk.length;
    if (received > responseBodyCap) res.destroy();
  });
  res.on("close", () => clearTimeout(timer));
  res.on("error", () => {});
}

function describe(err: NodeJS.ErrnoException): string {
  if (err.code === "EBLOCKEDTARGET" || err.message.startsWith("refused:"))
    return err.message.startsWith("refused:") ? err.message : `refused: ${err.message}`;
  const known: Record<string, string> = {
    ECONNREFUSED: "connection refused",
    ECONNRESET: "connection reset",
    ENOTFOUND: "host not found",
    EAI_AGAIN: "DNS lookup failed",
    ETIMEDOUT: "connection timed out",
    EHOSTUNREACH: "host unreachable",
    ENETUNREACH: "network unreachable",
  };
  return (err.code && known[err.code]) ?? (err.code ? `${err.code}` : err.message).slice(0, 200);
}
