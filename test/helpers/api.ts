/** A test client of the REST API: bodies are whatever the API answered, parsed from JSON when they are JSON. */
export type ApiCall = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<{ status: number; body: any; headers: Headers }>;

/** fetch with a bearer token and JSON, answering the parsed body (or its text). */
export function apiClient(url: string, token: string): ApiCall {
  return async (method, p, body, headers = {}) => {
    const res = await fetch(url + p, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { "content-type": "application/json" } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
}
