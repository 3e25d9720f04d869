import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PostgresAdapter, sql } from "kysely";
import { errorCodes } from "../../shared/errors.ts";
import { idPrefix } from "../../shared/ids.ts";
import { registry, type RouteSpec } from "../../server/http/route.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { databases } from "../helpers/services.ts";

/**
 * The bad-input battery: every operation in the route registry (so that new endpoints are
 * covered without touching this file) receives generated bad ids, bodies, content types and
 * query strings. Each answer must be a clear 4xx in the error envelope — never a 5xx, never a
 * stack trace — and afterwards every table must hold exactly what it held before.
 */

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** A request exactly as given: any method may carry a body, any header may lie. */
function raw(
  url: string,
  method: string,
  opts: { body?: string | Buffer; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method,
        headers: {
          ...opts.headers,
          ...(opts.body !== undefined ? { "content-length": String(Buffer.byteLength(opts.body)) } : {}),
        },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

interface Probe {
  label: string;
  method: string;
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Reads may answer 2xx to odd but harmless input; writes must refuse it. */
  mayPass?: boolean;
  token?: string;
}

/** The top-level keys a body schema knows, through objects, intersections, unions and pipes. */
function bodyKeys(schema: unknown): string[] {
  const def = (schema as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
  if (!def) return [];
  if (def.type === "object") return Object.keys(def.shape as object);
  if (def.type === "intersection") return [...bodyKeys(def.left), ...bodyKeys(def.right)];
  if (def.type === "union") return (def.options as unknown[]).flatMap(bodyKeys);
  if (def.type === "pipe") return bodyKeys(def.in);
  if (def.type === "optional" || def.type === "nullable" || def.type === "default") return bodyKeys(def.innerType);
  return [];
}

function queryKeys(schema: unknown): string[] {
  return bodyKeys(schema);
}

/** The registered operations under /v1, once each (every test server registers them again). */
function operations(): RouteSpec[] {
  const seen = new Map<string, RouteSpec>();
  for (const spec of registry) if (spec.path.startsWith("/v1/")) seen.set(`${spec.method} ${spec.path}`, spec);
  return [...seen.values()];
}

/** Values no top-level field of any Parley schema accepts. */
const poison: unknown[] = [
  { "\u0000": "\u0000" },
  "a\u0000b",
  [[[[[[[[[["deep"]]]]]]]]]],
  "x".repeat(100_001),
  // Well-prefixed ids that cannot exist.
  ...Object.values(idPrefix).map((prefix) => `${prefix}\u0000`),
];

const malformedJson = [
  "{",
  '{"a":',
  "{'a':1}",
  '{"a":1,}',
  "nul",
  "\u0000",
  '{"a":"\\ud800\\u"}',
  "[1,2",
  '{"__proto__":',
];
const oddIds = [
  "nope",
  "conv_doesnotexist",
  "msg_0000000000000000",
  "конв_😀",
  "'; drop table conversations; --",
  "..%2F..%2Fetc%2Fpasswd",
  "%20",
  "null",
  "undefined",
  "0",
  "-1",
];
const malformedParams = ["%00", "a%00b", "%E0%A4%A", "%", "x".repeat(3000), "%C0%AE%C0%AE", "%F0%9F"];

describe.each(databases())("bad-input battery on $name", ({ name, available }) => {
  describe.skipIf(!available)("", () => {
    let s: TestServer;
    const ids: Record<string, string> = {};
    let scopedToken: string;
    const other: Record<string, string> = {};

    beforeAll(async () => {
      s = await startTestServer({ db: name });
      const conv = await s.api("POST", "/v1/conversations", {
        contact: { name: "Ann", email: "ann@example.com", phone: "+15550001" },
        message: { text: "hello" },
        tags: ["t1"],
      });
      ids.conversations = conv.body.id;
      ids.contacts = conv.body.contact.id;
      ids.messages = (
        await s.api("POST", `/v1/conversations/${conv.body.id}/messages`, { text: "stream", streaming: true })
      ).body.id;
      ids.sites = conv.body.siteId;
      ids.tokens = (await s.api("POST", "/v1/tokens", { name: "spare" })).body.id;
      ids.agents = (await s.api("GET", "/v1/agents")).body.items[0].id;
      // Another site with its own objects, and a token scoped to the first site.
      const siteB = (await s.api("POST", "/v1/sites", { name: "B" })).body.id;
      const convB = await s.api("POST", "/v1/conversations", {
        siteId: siteB,
        contact: { name: "Bea" },
        message: { text: "b" },
      });
      other.conversations = convB.body.id;
      other.contacts = convB.body.contact.id;
      other.messages = (
        await s.api("POST", `/v1/conversations/${convB.body.id}/messages`, { text: "b-stream", streaming: true })
      ).body.id;
      other.sites = siteB;
      other.tokens = (await s.api("POST", "/v1/tokens", { name: "B", siteId: siteB })).body.id;
      scopedToken = (await s.api("POST", "/v1/tokens", { name: "A", siteId: ids.sites })).body.secret;
    });
    afterAll(async () => {
      await s?.close();
    });

    /**
     * Every row of every table of this server's database (whatever other features added), in a
     * stable order; on PostgreSQL only its own schema. Not what moves on its own: the event
     * consumers' positions (they catch up with what the setup wrote) and the full-text engine's
     * tables and pending words (a search first indexes what was written before it).
     */
    async function snapshot(): Promise<Record<string, string[]>> {
      const db = s.parley.store.db;
      const own =
        db.getExecutor().adapter instanceof PostgresAdapter
          ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]!.schema
          : null;
      const tables = (await db.introspection.getTables())
        .filter((t) => own === null || t.schema === own)
        .map((t) => t.name)
        // Background jobs' own tables: the retention job's lease, the reports consumer's projection.
        .filter((name) => !/^(event_consumers|job_leases|report_\w+)$|^(message|search)_fts/.test(name))
        .sort();
      const out: Record<string, string[]> = {};
      for (const table of tables) {
        const rows = (await sql`select * from ${sql.table(table)}`.execute(db)).rows as Record<string, unknown>[];
        out[table] = rows
          .map((r) =>
            JSON.stringify({ ...r, last_used_at: undefined, last_seen_at: undefined, search_words: undefined }),
          )
          .sort();
      }
      return out;
    }

    /** A real id for the resource named by the path segment before the parameter. */
    function resourceOf(path: string, param: string): string {
      const segments = path.split("/");
      const i = segments.indexOf(`:${param}`);
      return segments[i - 1] ?? "";
    }

    function fill(path: string, values: Record<string, string>): string {
      return path.replace(/:(\w+)/g, (_, p: string) => values[p] ?? "x");
    }

    function realParams(spec: RouteSpec, from: Record<string, string>): Record<string, string> {
      const out: Record<string, string> = {};
      for (const m of spec.path.matchAll(/:(\w+)/g)) {
        const p = m[1]!;
        out[p] = p === "id" ? (from[resourceOf(spec.path, p)] ?? "unknown_0000") : "valid-tag";
      }
      return out;
    }

    function probes(): Probe[] {
      const list: Probe[] = [];
      const json = { "content-type": "application/json" };
      for (const spec of operations()) {
        const method = spec.method.toUpperCase();
        const params = [...spec.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
        const real = realParams(spec, ids);
        const at = fill(spec.path, real);
        const reads = method === "GET";
        const op = `${method} ${spec.path}`;

        // Ids that name nothing, or cannot be ids at all.
        for (const p of params) {
          const values = p === "id" ? [...oddIds, ...malformedParams] : malformedParams;
          for (const v of values) {
            list.push({
              label: `${op} ${p}=${v.slice(0, 20)}`,
              method,
              path: fill(spec.path, { ...real, [p]: v }),
              ...(reads ? {} : { body: "{}", headers: json }),
            });
          }
        }
        // Another site's objects, through a token scoped to this site.
        if (params.includes("id")) {
          list.push({
            label: `${op} other site`,
            method,
            path: fill(spec.path, realParams(spec, other)),
            token: scopedToken,
            ...(reads ? {} : { body: "{}", headers: json }),
          });
        }
        // Bodies that are not JSON, not declared as JSON, too large, or not what the operation takes.
        for (const body of malformedJson)
          list.push({ label: `${op} malformed ${JSON.stringify(body)}`, method, path: at, body, headers: json });
        list.push({
          label: `${op} text/plain`,
          method,
          path: at,
          body: '{"text":"hi"}',
          headers: { "content-type": "text/plain" },
        });
        list.push({ label: `${op} no content type`, method, path: at, body: '{"text":"hi"}', headers: {} });
        list.push({
          label: `${op} form`,
          method,
          path: at,
          body: "text=hi",
          headers: { "content-type": "application/x-www-form-urlencoded" },
        });
        list.push({
          label: `${op} latin1`,
          method,
          path: at,
          body: '{"text":"hi"}',
          headers: { "content-type": "application/json; charset=iso-8859-1" },
        });
        list.push({
          label: `${op} gzip lie`,
          method,
          path: at,
          body: '{"text":"hi"}',
          headers: { ...json, "content-encoding": "gzip" },
        });
        list.push({
          label: `${op} oversized`,
          method,
          path: at,
          body: JSON.stringify({ text: "a".repeat(1_100_000) }),
          headers: json,
        });
        list.push({ label: `${op} deep`, method, path: at, body: "[".repeat(5000) + "]".repeat(5000), headers: json });
        if (!spec.multipart) {
          list.push({
            label: `${op} multipart`,
            method,
            path: at,
            body: '--b\r\nContent-Disposition: form-data; name="text"\r\n\r\nhi\r\n--b--\r\n',
            headers: { "content-type": "multipart/form-data; boundary=b" },
          });
        }
        for (const body of [
          "[]",
          "null",
          '"text"',
          "42",
          "true",
          '{"__proto__":{"admin":true}}',
          '{"constructor":{"prototype":{"admin":true}}}',
        ]) {
          list.push({ label: `${op} body ${body}`, method, path: at, body, headers: json });
        }
        // Field by field: values no field accepts.
        for (const key of spec.body ? bodyKeys(spec.body) : []) {
          for (const value of poison) {
            list.push({
              label: `${op} ${key}=${JSON.stringify(value).slice(0, 20)}`,
              method,
              path: at,
              body: JSON.stringify({ [key]: value }),
              headers: json,
            });
          }
        }
        // Query strings: unknown keys, NUL, absurd numbers, repeated keys.
        if (spec.query) {
          list.push({
            label: `${op} ?unknown`,
            method,
            path: `${at}?definitely_not_a_filter=1`,
            mayPass: !reads ? false : false,
          });
          for (const key of queryKeys(spec.query)) {
            for (const v of ["%00", "a%00b", "9".repeat(400), "%E0%A4%A"])
              list.push({ label: `${op} ?${key}=${v.slice(0, 10)}`, method, path: `${at}?${key}=${v}` });
            for (const v of [
              "",
              "-1",
              "1e400",
              "NaN",
              "Infinity",
              "9007199254740993",
              "2147483648",
              "0x10",
              "1.5",
              " 1",
              "[object Object]",
              encodeURIComponent(Buffer.from('["\\u0000","conv_\\u0000"]').toString("base64url")),
              encodeURIComponent(Buffer.from("[1,{}]").toString("base64url")),
            ]) {
              list.push({
                label: `${op} ?${key}=${v.slice(0, 10)}`,
                method,
                path: `${at}?${key}=${v}`,
                mayPass: reads,
              });
            }
            list.push({ label: `${op} ?${key} twice`, method, path: `${at}?${key}=1&${key}=2`, mayPass: reads });
            list.push({ label: `${op} ?${key}[]`, method, path: `${at}?${key}[]=1&${key}[x]=2`, mayPass: reads });
          }
        }
      }
      // Methods nobody registered, on every registered path.
      const byPath = new Map<string, Set<string>>();
      for (const spec of operations())
        byPath.set(spec.path, (byPath.get(spec.path) ?? new Set()).add(spec.method.toUpperCase()));
      for (const [path, methods] of byPath) {
        for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
          if (methods.has(method)) continue;
          const spec = operations().find((o) => o.path === path)!;
          list.push({
            label: `${method} ${path} (not an operation)`,
            method,
            path: fill(path, realParams(spec, ids)),
            ...(method === "GET" ? {} : { body: "{}", headers: json }),
          });
        }
      }
      return list;
    }

    function checkAnswer(probe: Probe, res: RawResponse): string[] {
      const problems: string[] = [];
      const ok = res.status >= 400 && res.status < 500 && res.status !== 429;
      if (!ok && !(probe.mayPass && res.status >= 200 && res.status < 300)) problems.push(`status ${res.status}`);
      if (
        /\bat [\w.<>]+ \(|node_modules|\.ts:\d+|\/work\/|SQLITE_|syntax error at or near|TypeError|ReferenceError/.test(
          res.text,
        )
      )
        problems.push("leaks internals");
      if (res.status >= 400) {
        if (!String(res.headers["content-type"]).startsWith("application/json"))
          problems.push(`content-type ${res.headers["content-type"]}`);
        try {
          const body = JSON.parse(res.text) as { error?: { code?: string; message?: unknown; details?: unknown } };
          const code = body.error?.code as keyof typeof errorCodes | undefined;
          if (!code || errorCodes[code] !== res.status) problems.push(`code ${code} does not match ${res.status}`);
          if (typeof body.error?.message !== "string" || !body.error.message) problems.push("no message");
          if (!Array.isArray(body.error?.details)) problems.push("no details array");
          if (res.status === 422 && !(body.error?.details as unknown[]).length) problems.push("422 without details");
        } catch {
          problems.push("not JSON");
        }
      }
      return problems;
    }

    it("answers every generated bad input with a clear 4xx and changes nothing", async () => {
      const before = await snapshot();
      const all = probes();
      expect(all.length).toBeGreaterThan(500);
      const failures: string[] = [];
      // A few at a time: fast, yet not a load test.
      for (let i = 0; i < all.length; i += 8) {
        await Promise.all(
          all.slice(i, i + 8).map(async (probe) => {
            const headers = { authorization: `Bearer ${probe.token ?? s.token}`, ...probe.headers };
            const res = await raw(s.url + probe.path, probe.method, { body: probe.body, headers });
            const problems = checkAnswer(probe, res);
            if (problems.length) failures.push(`${probe.label}: ${problems.join(", ")} — ${res.text.slice(0, 160)}`);
          }),
        );
      }
      expect(failures, failures.slice(0, 40).join("\n")).toEqual([]);
      expect(await snapshot()).toEqual(before);
    }, 150_000);

    it("the server still answers normally after the battery", async () => {
      const res = await s.api("POST", `/v1/conversations/${ids.conversations}/messages`, { text: "still fine" });
      expect(res.status).toBe(201);
      expect(res.body.seq).toBe(3);
    });

    it("422 lists each bad field as { path, message }", async () => {
      const res = await s.api("POST", "/v1/conversations", {
        status: "archived",
        priority: 7,
        tags: ["ok", ""],
        metadata: "x",
        contact: { email: "nope" },
        surprise: true,
      });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe("validation_failed");
      const paths = [...new Set(res.body.error.details.map((d: { path: string }) => d.path))].sort();
      expect(paths).toEqual(["contact.email", "metadata", "priority", "status", "surprise", "tags.1"]);
      for (const d of res.body.error.details) expect(Object.keys(d).sort()).toEqual(["message", "path"]);
    });

    it("malformed JSON is 400 bad_request, a wrong content type 415, more than 1 MB 413", async () => {
      const malformed = await raw(`${s.url}/v1/conversations`, "POST", {
        body: "{oops",
        headers: { authorization: `Bearer ${s.token}`, "content-type": "application/json" },
      });
      expect(malformed.status).toBe(400);
      expect(JSON.parse(malformed.text).error.code).toBe("bad_request");
      const plain = await raw(`${s.url}/v1/conversations`, "POST", {
        body: "{}",
        headers: { authorization: `Bearer ${s.token}`, "content-type": "text/plain" },
      });
      expect(plain.status).toBe(415);
      expect(JSON.parse(plain.text).error.code).toBe("unsupported_media_type");
      const big = JSON.stringify({ text: "a".repeat(1024 * 1024) });
      const large = await raw(`${s.url}/v1/conversations/${ids.conversations}/messages`, "POST", {
        body: big,
        headers: { authorization: `Bearer ${s.token}`, "content-type": "application/json" },
      });
      expect(large.status).toBe(413);
      expect(JSON.parse(large.text).error.code).toBe("payload_too_large");
      // Just under the limit is parsed (and then refused by the 20,000-character rule).
      const under = await raw(`${s.url}/v1/conversations/${ids.conversations}/messages`, "POST", {
        body: JSON.stringify({ text: "a".repeat(900_000) }),
        headers: { authorization: `Bearer ${s.token}`, "content-type": "application/json" },
      });
      expect(under.status).toBe(422);
    });

    it("unknown paths under /v1 answer 404 in the envelope", async () => {
      const res = await s.api("GET", "/v1/nothing-here");
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe("not_found");
    });

    it("odd but valid unicode is stored and returned exactly", async () => {
      const texts = [
        "😀👍🏽 family: 👨‍👩‍👧‍👦",
        "مرحبا بالعالم",
        "e\u0301 combining",
        "zero\u200bwidth",
        "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
        "\t tabs and\nnewlines\r\n",
        "<script>alert(1)</script>",
        "'; drop table messages; --",
      ];
      for (const text of texts) {
        const res = await s.api("POST", `/v1/conversations/${ids.conversations}/messages`, { text });
        expect(res.status, text).toBe(201);
        expect(res.body.content.text).toBe(text);
      }
      const history = await s.api("GET", `/v1/conversations/${ids.conversations}/messages?limit=${texts.length}`);
      expect(history.body.items.map((m: { content: { text: string } }) => m.content.text).reverse()).toEqual(texts);
      const tagged = await s.api(
        "PUT",
        `/v1/conversations/${ids.conversations}/tags/${encodeURIComponent("日本語 タグ")}`,
      );
      expect(tagged.body.tags).toContain("日本語 タグ");
      // A lone surrogate is not valid UTF-8: either refused or stored as the replacement character, never a 5xx.
      const lone = await raw(`${s.url}/v1/conversations/${ids.conversations}/messages`, "POST", {
        body: '{"text":"a\\ud800b"}',
        headers: { authorization: `Bearer ${s.token}`, "content-type": "application/json" },
      });
      expect(lone.status).toBeLessThan(500);
    });
  });
});
