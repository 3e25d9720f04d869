import type { Request, Response, Router } from "express";
import type { z } from "zod";
import type { Principal } from "../domain/context.ts";
import { authorize, type Action } from "../domain/permissions.ts";
import { ParleyError } from "../domain/errors.ts";
import { parse } from "../domain/validation.ts";

export type Method = "get" | "post" | "patch" | "put" | "delete";

/**
 * One API operation: the same object validates requests and describes the operation in the
 * OpenAPI document, so the two cannot drift apart.
 */
export interface RouteSpec<B extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType> {
  method: Method;
  /** Express-style path: /v1/conversations/:id */
  path: string;
  summary: string;
  tag: string;
  description?: string;
  body?: B;
  /** Validated by the handler itself (message inputs); documented with `body`. */
  bodyValidatedByHandler?: boolean;
  query?: Q;
  params?: z.ZodObject;
  /** `mediaType` when the answer is not JSON (a CSV): its body is then the reply's `text`. */
  responses: Record<number, { description: string; schema?: z.ZodType; mediaType?: string }>;
  /**
   * What the caller must be allowed in the permission table (domain/permissions.ts), checked
   * before anything else runs; or "public" for anyone, signed in or not. Every route names one.
   */
  action: Action | "public";
  /** Takes the widget's visitor credentials too (uploads); elsewhere a visitor is not signed in. */
  visitors?: boolean;
  /** Takes a multipart/form-data body (uploads); every other operation refuses one with 415. */
  multipart?: boolean;
}

export interface Call<B, Q> {
  body: B;
  query: Q;
  params: Record<string, string>;
  principal: Principal;
  req: Request;
  res: Response;
}

export type Reply = { status: number; body?: unknown; text?: string; headers?: Record<string, string> };

export const registry: RouteSpec[] = [];

/** Registers `spec` on `router` and in the OpenAPI registry. */
export function define<B extends z.ZodType, Q extends z.ZodType>(
  router: Router,
  spec: RouteSpec<B, Q>,
  handler: (call: Call<z.infer<B>, z.infer<Q>>) => Promise<Reply>,
): void {
  registry.push(spec as unknown as RouteSpec);
  router[spec.method](spec.path, async (req: Request, res: Response) => {
    const principal = req.principal;
    if (spec.action !== "public") {
      if (!principal || (principal.kind === "visitor" && !spec.visitors))
        throw new ParleyError("unauthorized", "Missing or invalid API token: send Authorization: Bearer sk_…");
      authorize(principal, spec.action);
    }
    refuseUnexpectedInput(spec, req);
    const body = spec.body && !spec.bodyValidatedByHandler ? parse(spec.body, req.body ?? {}) : (req.body ?? {});
    const query = (spec.query ? parse(spec.query, req.query) : req.query) as z.infer<Q>;
    const reply = await handler({
      body,
      query,
      params: req.params as Record<string, string>,
      principal: principal!,
      req,
      res,
    });
    for (const [k, v] of Object.entries(reply.headers ?? {})) res.setHeader(k, v);
    if (reply.text !== undefined) res.status(reply.status).send(reply.text);
    else if (reply.body === undefined) res.status(reply.status).end();
    else res.status(reply.status).json(reply.body);
  });
}

/** Ids are a prefix and base64url characters: anything else names nothing. */
const possibleId = /^[A-Za-z0-9_-]{1,100}$/;

/**
 * Input an operation does not take is refused before it runs: an `id` that cannot exist (404,
 * as for any unknown id), a multipart body where JSON is expected (415), and a body sent to an
 * operation that takes none (422; an empty `{}` is accepted).
 */
function refuseUnexpectedInput(spec: RouteSpec, req: Request): void {
  const id = (req.params as Record<string, string | undefined>).id;
  if (id !== undefined && !possibleId.test(id)) throw new ParleyError("not_found", "Not found: no object has this id");
  if (!spec.multipart && req.is("multipart/form-data"))
    throw new ParleyError("unsupported_media_type", "Send the body as application/json");
  const body: unknown = req.body;
  const empty =
    body === undefined ||
    (typeof body === "object" && body !== null && !Array.isArray(body) && Object.keys(body).length === 0);
  if (!spec.body && !spec.multipart && !empty)
    throw new ParleyError("validation_failed", "Request validation failed", [
      { path: "(body)", message: "this operation takes no body" },
    ]);
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      principal?: Principal;
      requestId?: string;
    }
  }
}
