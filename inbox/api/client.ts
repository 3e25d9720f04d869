import { csrfHeader, sessionPath } from "../../shared/inbox.ts";
import type { ErrorBody, ErrorCode } from "../../shared/errors.ts";
import { relayBase } from "./base.ts";

/** An error answer from the API, with the contract's code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode | "network_error",
    message: string,
    readonly details: { path: string; message: string }[] = [],
    /** Seconds to wait, on 429. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
  }
}

export type Fetch = typeof fetch;

/**
 * The inbox calls the same /v1 API as integrations, authenticated by its session cookie. Every
 * write carries the CSRF header that a cross-site form cannot send.
 */
export interface Api {
  get<T>(path: string, query?: Record<string, string | number | undefined | null>): Promise<T>;
  send<T>(method: "POST" | "PATCH" | "PUT" | "DELETE", path: string, body?: unknown): Promise<T>;
  /** A multipart upload of one file in the field `file`. */
  upload<T>(path: string, file: Blob, name: string): Promise<T>;
  /** Called when a request answers 401: the session ended (signed out elsewhere or expired). */
  onUnauthorized?(fn: () => void): void;
}

export function createApi(fetcher: Fetch = (...a) => fetch(...a), base: string = relayBase()): Api {
  let unauthorized: (() => void) | undefined;
  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    const multipart = body instanceof FormData;
    try {
      res = await fetcher(base + path, {
        method,
        credentials: "same-origin",
        headers: {
          accept: "application/json",
          ...(method !== "GET" ? { [csrfHeader]: "1" } : {}),
          ...(body !== undefined && !multipart ? { "content-type": "application/json" } : {}),
        },
        body: body === undefined ? undefined : multipart ? body : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, "network_error", "The server cannot be reached. Check your connection.");
    }
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (!res.ok) {
      const error = (parsed as ErrorBody | undefined)?.error;
      if (res.status === 401 && !path.startsWith(sessionPath)) unauthorized?.();
      throw new ApiError(
        res.status,
        error?.code ?? "internal_error",
        error?.message ?? `Request failed (${res.status})`,
        error?.details ?? [],
        Number(res.headers.get("retry-after")) || null,
      );
    }
    return parsed as T;
  }
  return {
    get(path, query) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(query ?? {}))
        if (v !== undefined && v !== null && v !== "") params.set(k, String(v));
      const qs = params.toString();
      return request("GET", qs ? `${path}?${qs}` : path);
    },
    send: (method, path, body) => request(method, path, body),
    upload(path, file, name) {
      const form = new FormData();
      form.append("file", file, name);
      return request("POST", path, form);
    },
    onUnauthorized(fn) {
      unauthorized = fn;
    },
  };
}
