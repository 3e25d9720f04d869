import { createDocument } from "zod-openapi";
import { z } from "zod";
import { registry, type RouteSpec } from "./route.ts";
import { allowedActors, mayForbid, type Action } from "../domain/permissions.ts";
import { ErrorEnvelope } from "./routes/common.ts";

/** The OpenAPI 3.1 document, derived from the same specs that validate requests. */
export function openApiDocument(serverUrl = "/"): ReturnType<typeof createDocument> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of registry) {
    if (!spec.path.startsWith("/v1/")) continue;
    const path = spec.path.replace(/:(\w+)/g, "{$1}");
    paths[path] ??= {};
    paths[path][spec.method] = operation(spec);
  }
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: "Parley Conversations API",
      version: "1",
      description:
        "Conversations, messages, contacts, sites, tokens and agents. Authenticate with `Authorization: Bearer sk_…`. Every error is `{ error: { code, message, details } }`.",
    },
    servers: [{ url: serverUrl }],
    // The order a reader meets them in /docs: the conversation API first, administration after.
    tags: [...new Set(registry.map((spec) => spec.tag))].sort((a, b) => rank(a) - rank(b)).map((name) => ({ name })),
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "An API token, sk_…" } } },
    security: [{ bearer: [] }],
    paths: paths as never,
  });
}

const rank = (tag: string) => (tagOrder.indexOf(tag) + tagOrder.length + 1) % (tagOrder.length + 1);
const tagOrder = [
  "Conversations",
  "Messages",
  "Notes",
  "Contacts",
  "Files",
  "Webhooks",
  "Sites",
  "Tokens",
  "Agents",
  "Reports",
  "Inbox session",
  "Widget",
];

function operation(spec: RouteSpec) {
  const op: Record<string, unknown> = {
    summary: spec.summary,
    tags: [spec.tag],
    operationId: `${spec.method}${spec.path.replace(/\/v1|:/g, "").replace(/[/_-](\w)/g, (_, c: string) => c.toUpperCase())}`,
    responses: Object.fromEntries(
      Object.entries(spec.responses).map(([status, r]) => [
        status,
        r.schema
          ? { description: r.description, content: { [r.mediaType ?? "application/json"]: { schema: r.schema } } }
          : { description: r.description },
      ]),
    ),
  };
  if (spec.description) op.description = spec.description;
  const requestParams: Record<string, z.ZodObject> = {};
  if (spec.params) requestParams.path = spec.params;
  if (spec.query && spec.query instanceof z.ZodObject) requestParams.query = spec.query;
  else if (spec.query) {
    const inner = (spec.query as unknown as { def?: { in?: z.ZodType; schema?: z.ZodType } }).def;
    const candidate = inner?.schema ?? inner?.in;
    if (candidate instanceof z.ZodObject) requestParams.query = candidate;
  }
  if (Object.keys(requestParams).length) op.requestParams = requestParams;
  if (spec.body) op.requestBody = { content: { "application/json": { schema: spec.body } } };
  if (spec.action === "public") op.security = [];
  else describePermission(op, spec.action);
  return op;
}

/** Who may call the operation, from the permission table: named in the document, with its 403. */
function describePermission(op: Record<string, unknown>, action: Action): void {
  const who = allowedActors(action);
  op["x-parley-action"] = action;
  op.description = `${op.description ? `${String(op.description)}\n\n` : ""}Permission \`${action}\`: ${who.join(", ")}.`;
  const responses = op.responses as Record<string, unknown>;
  if (mayForbid(action))
    responses["403"] ??= {
      description: `forbidden: the caller's role may not (${action})`,
      content: { "application/json": { schema: ErrorEnvelope } },
    };
}
