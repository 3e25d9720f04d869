import { describe, expect, it } from "vitest";
import { ApiError, createApi, type Fetch } from "./client.ts";

function recorder(status: number, body: unknown, headers: Record<string, string> = {}) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetcher: Fetch = async (url, init) => {
    calls.push({ url: String(url), init: init ?? {} });
    return new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json", ...headers },
    });
  };
  return { calls, fetcher };
}

describe("api client", () => {
  it("sends the CSRF header with every write, never with reads, under the relay's path prefix", async () => {
    const { calls, fetcher } = recorder(200, { ok: true });
    const api = createApi(fetcher, "/chat");
    await api.get("/v1/conversations", { status: "open", tag: "", cursor: undefined });
    await api.send("PATCH", "/v1/conversations/conv_1", { priority: "high" });
    expect(calls[0]!.url).toBe("/chat/v1/conversations?status=open");
    expect(new Headers(calls[0]!.init.headers).get("x-parley-csrf")).toBeNull();
    expect(new Headers(calls[1]!.init.headers).get("x-parley-csrf")).toBe("1");
    expect(new Headers(calls[1]!.init.headers).get("content-type")).toBe("application/json");
  });

  it("turns the error envelope into an ApiError with its code, and tells when the session ended", async () => {
    const { fetcher } = recorder(401, { error: { code: "unauthorized", message: "Not signed in", details: [] } });
    const api = createApi(fetcher, "");
    let ended = 0;
    api.onUnauthorized?.(() => ended++);
    const err = await api.get("/v1/conversations").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).code).toBe("unauthorized");
    expect(ended).toBe(1);
    await api.send("POST", "/v1/inbox/session", { email: "a@b.c", password: "x" }).catch(() => {});
    expect(ended).toBe(1); // a failed sign-in is not a session that ended
  });

  it("reads Retry-After on 429", async () => {
    const { fetcher } = recorder(
      429,
      { error: { code: "rate_limited", message: "Too many", details: [] } },
      { "retry-after": "120" },
    );
    const err = (await createApi(fetcher, "")
      .send("POST", "/v1/inbox/session", {})
      .catch((e: unknown) => e)) as ApiError;
    expect(err.retryAfter).toBe(120);
  });
});
