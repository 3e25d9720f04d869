import fc from "fast-check";

/**
 * fast-check arbitraries drawn from the OpenAPI document (GET /v1/openapi.json): for each
 * operation, requests that are valid by its schemas, near-valid (one field swapped for anything)
 * and hostile (any JSON, broken JSON, wrong content types, odd path segments and queries).
 */

type Schema = Record<string, any>;
export interface Operation {
  method: string;
  /** The path template, `{id}` style. */
  path: string;
  params: { name: string; in: string; schema: Schema }[];
  body: Schema | null;
}

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** What the case is, for a failure's message. */
  label: string;
}

export function operations(doc: any): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries<any>(doc.paths))
    for (const [method, op] of Object.entries<any>(methods))
      ops.push({
        method: method.toUpperCase(),
        path,
        params: op.parameters ?? [],
        body: op.requestBody?.content?.["application/json"]?.schema ?? null,
      });
  return ops;
}

const anyJson = fc.jsonValue({ maxDepth: 3 });
const idUnit = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-");
const idChars = fc.string({ unit: idUnit, minLength: 1, maxLength: 24 });

/** A string for a schema's patterns: the `^prefix_` they ask for, then id characters. */
function patterned(patterns: string[]): fc.Arbitrary<string> | null {
  const prefix = patterns.map((p) => /^\^([a-z]+_)/.exec(p)?.[1]).find(Boolean);
  return prefix ? idChars.map((s) => prefix + s) : null;
}

/** Values valid by `schema` (mostly: patterns other than id prefixes are not followed). */
export function valueOf(doc: any, schema: Schema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return anyJson;
  if (schema.$ref) return valueOf(doc, resolve(doc, schema.$ref), depth + 1);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...(schema.enum as unknown[]));
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((s: Schema) => valueOf(doc, s, depth + 1)));
  if (schema.allOf) {
    const patterns = schema.allOf.map((s: Schema) => s.pattern).filter(Boolean);
    return patterned(patterns) ?? valueOf(doc, { ...schema, allOf: undefined }, depth + 1);
  }
  const type = Array.isArray(schema.type) ? schema.type : [schema.type];
  if (type.length > 1) return fc.oneof(...type.map((t: string) => valueOf(doc, { ...schema, type: t }, depth)));
  switch (type[0]) {
    case "string":
      return stringOf(schema);
    case "integer":
      return fc.integer({ min: schema.minimum ?? -1000, max: Math.min(schema.maximum ?? 1e6, 2 ** 31) });
    case "number":
      return fc.double({
        noNaN: true,
        noDefaultInfinity: true,
        min: schema.minimum ?? -1e6,
        max: schema.maximum ?? 1e6,
      });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      return fc.array(valueOf(doc, schema.items, depth + 1), {
        minLength: Math.min(schema.minItems ?? 0, 3),
        maxLength: Math.min(schema.maxItems ?? 3, 3),
      });
    case "object": {
      const props = Object.fromEntries(
        Object.entries<Schema>(schema.properties ?? {}).map(([k, s]) => [k, valueOf(doc, s, depth + 1)]),
      );
      if (!Object.keys(props).length && schema.additionalProperties)
        return fc.dictionary(fc.string({ maxLength: 10 }), valueOf(doc, schema.additionalProperties, depth + 1), {
          maxKeys: 3,
        });
      return fc.record(props, { requiredKeys: schema.required ?? [] });
    }
    default:
      return anyJson;
  }
}

function stringOf(schema: Schema): fc.Arbitrary<string> {
  const maxLength = Math.min(schema.maxLength ?? 40, 40);
  const minLength = Math.min(schema.minLength ?? 0, maxLength);
  if (schema.format === "date-time")
    return fc
      .date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true })
      .map((d) => d.toISOString());
  if (schema.format === "email") return fc.emailAddress();
  if (schema.format === "uri") return fc.webUrl();
  if (schema.pattern) {
    const p = patterned([schema.pattern]);
    if (p) return p;
  }
  return fc.string({ minLength, maxLength });
}

function resolve(doc: any, ref: string): Schema {
  return ref
    .replace(/^#\//, "")
    .split("/")
    .reduce((node: any, key) => node?.[key], doc);
}

/** Valid, near-valid (one key swapped for anything, or an unknown key) or any JSON at all. */
function bodyOf(doc: any, schema: Schema): fc.Arbitrary<unknown> {
  const valid = valueOf(doc, schema);
  const swapped = fc
    .tuple(valid, fc.nat(), fc.jsonValue({ maxDepth: 2 }), fc.string({ maxLength: 8 }))
    .map(([v, i, junk, extra]) => {
      if (!v || typeof v !== "object" || Array.isArray(v)) return junk;
      const keys = Object.keys(v);
      return keys.length ? { ...v, [keys[i % keys.length]!]: junk } : { [extra]: junk };
    });
  return fc.oneof(valid, swapped, swapped, fc.jsonValue({ maxDepth: 4 }));
}

/** A path segment: a real id of the right kind, one of another kind, or anything. */
function segment(ids: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...ids),
    fc.constantFrom(...ids),
    idChars,
    fc.string({ maxLength: 30 }).map(encodeURIComponent),
    fc.constantFrom("..%2F..%2Fetc%2Fpasswd", "%00", "%E0%A4%A", "a".repeat(3000), "__proto__", "constructor"),
  );
}

/** Raw bodies no client library sends. */
const rawBody = fc.oneof(
  fc.constantFrom("{", "[1,", '{"a":}', "null", "\u0000", '{"__proto__":{"polluted":true}}', "[]", "true"),
  fc.string({ maxLength: 200 }),
  fc.nat({ max: 20_000 }).map((n) => "[".repeat(n) + "]".repeat(n)),
);

/** One request to `op`, as the admin token, no one, or a forged token sends it. */
export function requestOf(doc: any, op: Operation, ids: string[], token: string): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.params.filter((p) => p.in === "path");
  const queryParams = op.params.filter((p) => p.in === "query");
  const path = fc.tuple(...pathParams.map(() => segment(ids))).map((values) => {
    let out = op.path;
    pathParams.forEach((p, i) => (out = out.replace(`{${p.name}}`, values[i]!)));
    return out;
  });
  const query = fc
    .tuple(
      fc.subarray(queryParams),
      fc.array(fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 })), { maxLength: 2 }),
    )
    .chain(([chosen, extra]) =>
      fc.tuple(...chosen.map((p) => fc.oneof(valueOf(doc, p.schema), fc.string({ maxLength: 30 })))).map((values) => {
        const q = new URLSearchParams();
        chosen.forEach((p, i) => q.append(p.name, String(values[i])));
        for (const [k, v] of extra) q.append(k, v);
        return q.toString();
      }),
    );
  const auth = fc.oneof(
    { weight: 8, arbitrary: fc.constant({ authorization: `Bearer ${token}` }) },
    { weight: 1, arbitrary: fc.constant({}) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((s) => ({ authorization: `Bearer sk_${s}` })) },
  );
  const json = (op.body ? bodyOf(doc, op.body) : anyJson).map((b) => ({
    body: JSON.stringify(b),
    type: "application/json",
  }));
  const body = fc.oneof(
    { weight: 7, arbitrary: json },
    { weight: 1, arbitrary: rawBody.map((b) => ({ body: b, type: "application/json" })) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          rawBody,
          fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "application/xml"),
        )
        .map(([b, type]) => ({ body: b, type })),
    },
    { weight: 1, arbitrary: fc.constant({ body: undefined, type: undefined }) },
  );
  return fc.record({ path, query, auth, body }).map(({ path: p, query: q, auth: a, body: b }) => {
    const hasBody = op.method !== "GET" && b.body !== undefined;
    return {
      method: op.method,
      path: q ? `${p}?${q}` : p,
      headers: { ...a, ...(hasBody && b.type ? { "content-type": b.type } : {}) },
      ...(hasBody ? { body: b.body } : {}),
      label: `${op.method} ${op.path}`,
    };
  });
}
