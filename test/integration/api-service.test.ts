import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registry } from "../../server/http/route.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

/** What serves the API rather than being it: the OpenAPI document, /docs, health, metrics and rate limits. */
describe("OpenAPI document and /docs", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ db: "sqlite" });
  });
  afterAll(async () => {
    await s?.close();
  });

  it("/v1/openapi.json is an OpenAPI 3.1 document listing every registered operation", async () => {
    const res = await fetch(`${s.url}/v1/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const doc = (await res.json()) as {
      openapi: string;
      info: { title: string; version: string };
      paths: Record<
        string,
        Record<
          string,
          {
            operationId: string;
            responses: Record<string, unknown>;
            parameters?: { in: string; name: string; required?: boolean }[];
            requestBody?: unknown;
          }
        >
      >;
      components: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
    };
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toBeTruthy();
    expect(doc.components.securitySchemes?.bearer).toMatchObject({ type: "http", scheme: "bearer" });

    const operations = new Set(
      registry.filter((r) => r.path.startsWith("/v1/")).map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}")}`),
    );
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`)),
    );
    expect([...documented].sort()).toEqual([...operations].sort());

    // Every endpoint of the contract (but files and webhooks, which are their own features) is there.
    for (const op of [
      "post /v1/conversations",
      "get /v1/conversations",
      "get /v1/conversations/{id}",
      "patch /v1/conversations/{id}",
      "post /v1/conversations/{id}/messages",
      "get /v1/conversations/{id}/messages",
      "post /v1/conversations/{id}/route",
      "put /v1/conversations/{id}/tags/{tag}",
      "delete /v1/conversations/{id}/tags/{tag}",
      "post /v1/conversations/{id}/typing",
      "get /v1/conversations/links",
      "post /v1/messages/{id}/append",
      "post /v1/messages/{id}/complete",
      "post /v1/conversations/{id}/read",
      "get /v1/sites",
      "post /v1/sites",
      "patch /v1/sites/{id}",
      "post /v1/tokens",
      "delete /v1/tokens/{id}",
      "get /v1/agents",
      "post /v1/agents",
      "get /v1/contacts/{id}",
      "patch /v1/contacts/{id}",
    ]) {
      expect(documented, op).toContain(op);
    }

    const ids = new Set<string>();
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.operationId, `${method} ${path}`).toBeTruthy();
        expect(ids.has(op.operationId), `duplicate operationId ${op.operationId}`).toBe(false);
        ids.add(op.operationId);
        expect(Object.keys(op.responses).length, `${method} ${path} responses`).toBeGreaterThan(0);
        // Each {param} of the path is declared as a required path parameter.
        for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
          const param = op.parameters?.find((p) => p.in === "path" && p.name === name);
          expect(param, `${method} ${path} declares ${name}`).toBeDefined();
          expect(param!.required).toBe(true);
        }
      }
    }

    // Every $ref points at a component that exists.
    const text = JSON.stringify(doc);
    for (const [, ref] of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
      expect(doc.components.schemas?.[ref!], `$ref ${ref}`).toBeDefined();
    }
    // The request bodies and query parameters come from the same schemas that validate.
    expect(doc.paths["/v1/conversations"]!.post!.requestBody).toBeDefined();
    const listParams = doc.paths["/v1/conversations"]!.get!.parameters!.map((p) => p.name);
    expect(listParams).toEqual(
      expect.arrayContaining([
        "status",
        "priority",
        "queue",
        "assignee",
        "tag",
        "contactId",
        "channel",
        "updatedSince",
        "limit",
        "cursor",
      ]),
    );
    const historyParams = doc.paths["/v1/conversations/{id}/messages"]!.get!.parameters!.map((p) => p.name);
    expect(historyParams).toEqual(expect.arrayContaining(["limit", "skip", "before", "after"]));
  });

  it("/docs renders with Swagger UI served from Parley itself", async () => {
    const page = await fetch(`${s.url}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("<title>Parley API reference</title>");
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)]
      .map((m) => m[1]!)
      .filter((url) => !url.startsWith("data:")); // the empty favicon saves a request
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) {
      expect(asset, "no other origin").not.toMatch(/^(https?:)?\/\//);
      const res = await fetch(new URL(asset, `${s.url}/docs`));
      expect(res.status, asset).toBe(200);
      expect((await res.text()).length, asset).toBeGreaterThan(10);
    }
    const init = await (await fetch(`${s.url}/docs/init.js`)).text();
    expect(init).toContain("v1/openapi.json");
    const slash = await fetch(`${s.url}/docs/`, { redirect: "manual" });
    expect(slash.status).toBe(301);
  });
});

describe("health, readiness and metrics", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ db: "sqlite" });
  });
  afterAll(async () => {
    await s?.close();
  });

  it("/healthz and /readyz answer without a token", async () => {
    const health = await fetch(`${s.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });
    const ready = await fetch(`${s.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: "ok", checks: { database: "ok" } });
  });

  it("/metrics speaks Prometheus and counts requests and domain events", async () => {
    await s.api("POST", "/v1/conversations", { message: { text: "count me" } });
    const res = await fetch(`${s.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toMatch(
      /parley_http_request_duration_seconds_count\{[^}]*route="\/v1\/conversations"[^}]*status="201"[^}]*\} [1-9]/,
    );
    expect(text).toMatch(/parley_events_total\{type="message.created"\} [1-9]/);
    expect(text).toMatch(/parley_events_total\{type="conversation.created"\} [1-9]/);
    expect(text).toContain("parley_process_cpu_seconds_total");
  });

  it("readiness fails when the database is gone", async () => {
    const other = await startTestServer({ db: "sqlite" });
    await other.parley.store.close();
    const ready = await fetch(`${other.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: "unavailable", checks: { database: "unreachable" } });
    const health = await fetch(`${other.url}/healthz`);
    expect(health.status).toBe(200);
    // Requests still get a clean answer, not a hang or a stack trace.
    const res = await other.api("GET", "/v1/conversations");
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(JSON.stringify(res.body)).not.toMatch(/\.ts:\d+|node_modules/);
    await other.close().catch(() => {});
  });
});

describe("rate limits (PARLEY_RATE_LIMIT)", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ db: "sqlite", env: { PARLEY_RATE_LIMIT: "5" } });
  });
  afterAll(async () => {
    await s?.close();
  });

  it("answers 429 rate_limited with Retry-After once a token spent its requests per minute, and changes nothing", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await s.api("GET", "/v1/conversations")).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const limited = await s.api("POST", "/v1/conversations", { topic: "should not exist" });
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe("rate_limited");
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.headers.get("access-control-expose-headers")).toMatch(/Retry-After/i);
    const rows = await s.parley.store.db
      .selectFrom("conversations")
      .select("id")
      .where("topic", "=", "should not exist")
      .execute();
    expect(rows).toEqual([]);
  });

  it("counts per token: another token has its own budget", async () => {
    // The admin token is spent: a second token, minted through the domain so no API request is spent on it.
    const { createToken } = await import("../../server/domain/tokens.ts");
    const fresh = await createToken(s.parley.ctx, { kind: "system" }, { name: "second" });
    const res = await s.api("GET", "/v1/conversations", undefined, { authorization: `Bearer ${fresh.secret}` });
    expect(res.status).toBe(200);
  });

  it("health and metrics are not rate limited", async () => {
    for (let i = 0; i < 10; i++) expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });

  it("repeated bad tokens from one address are slowed down with 429", async () => {
    const statuses = new Set<number>();
    for (let i = 0; i < 70; i++) {
      const res = await fetch(`${s.url}/v1/conversations`, { headers: { authorization: `Bearer sk_wrong_${i}` } });
      statuses.add(res.status);
      if (res.status === 429) {
        expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
        break;
      }
    }
    expect([...statuses].sort()).toEqual([401, 429]);
  });
});
