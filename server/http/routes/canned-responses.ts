import { Router } from "express";
import { z } from "zod";
import {
  CannedResponse,
  CannedResponseInput,
  CannedResponseList,
  CannedResponsePatch,
  CannedResponseQuery,
} from "../../../shared/schemas/index.ts";
import type { Ctx } from "../../domain/context.ts";
import * as canned from "../../domain/canned-responses.ts";
import { define } from "../route.ts";
import { errorResponses } from "./common.ts";

const IdParam = z.object({ id: z.string() });
const tag = "Saved replies";
const placeholders =
  "Readable text (text, titles, names) may hold `{{contact.name}}`, `{{contact.email}}`, `{{agent.name}}`, `{{site.name}}`, each with an optional fallback after a bar: `{{contact.name | there}}`. They are stored as written and filled when the reply is inserted; any other `{{key}}` is refused (422).";

/** Saved replies (canned responses, CONTRACT §7). */
export function cannedResponseRoutes(ctx: Ctx): Router {
  const r = Router();

  define(
    r,
    {
      method: "get",
      path: "/v1/canned-responses",
      action: "canned.read",
      tag,
      summary: "List the saved replies the caller may use: team ones and its own personal ones",
      description:
        "Sorted by shortcut. `siteId` keeps those usable on that site (its own and every site's); a site token sees its site's only.",
      query: CannedResponseQuery,
      responses: { 200: { description: "Saved replies", schema: CannedResponseList }, ...errorResponses },
    },
    async ({ query, principal }) => ({
      status: 200,
      body: { items: await canned.listCannedResponses(ctx, principal, query) },
    }),
  );

  define(
    r,
    {
      method: "post",
      path: "/v1/canned-responses",
      action: "canned.write",
      tag,
      summary: "Save a reply",
      description: `Scope \`team\` (owners, admins and tokens only; an agent gets 403) or \`personal\` (agents only, seen by nobody else). A shortcut taken in the same scope and site answers 409 \`conflict\`. ${placeholders}`,
      body: CannedResponseInput,
      responses: { 201: { description: "Created", schema: CannedResponse }, ...errorResponses },
    },
    async ({ body, principal }) => ({
      status: 201,
      body: await canned.createCannedResponse(ctx, principal, body),
    }),
  );

  define(
    r,
    {
      method: "get",
      path: "/v1/canned-responses/:id",
      action: "canned.read",
      tag,
      summary: "Get a saved reply",
      description: "Another agent's personal reply, or another site's, answers 404.",
      params: IdParam,
      responses: { 200: { description: "The saved reply", schema: CannedResponse }, ...errorResponses },
    },
    async ({ params, principal }) => ({
      status: 200,
      body: await canned.getCannedResponse(ctx, principal, params.id!),
    }),
  );

  define(
    r,
    {
      method: "patch",
      path: "/v1/canned-responses/:id",
      action: "canned.write",
      tag,
      summary: "Change a saved reply",
      description: `Any field of the input. Moving a reply to \`personal\` makes it the caller's own. ${placeholders}`,
      params: IdParam,
      body: CannedResponsePatch,
      responses: { 200: { description: "The saved reply", schema: CannedResponse }, ...errorResponses },
    },
    async ({ params, body, principal }) => ({
      status: 200,
      body: await canned.updateCannedResponse(ctx, principal, params.id!, body),
    }),
  );

  define(
    r,
    {
      method: "delete",
      path: "/v1/canned-responses/:id",
      action: "canned.write",
      tag,
      summary: "Delete a saved reply",
      params: IdParam,
      responses: { 204: { description: "Deleted" }, ...errorResponses },
    },
    async ({ params, principal }) => {
      await canned.deleteCannedResponse(ctx, principal, params.id!);
      return { status: 204 };
    },
  );

  return r;
}
