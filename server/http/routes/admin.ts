import { Router } from "express";
import { z } from "zod";
import {
  Agent,
  AgentInput,
  AgentPatch,
  Contact,
  ContactInput,
  CreatedToken,
  Site,
  SiteInput,
  SitePatch,
  Token,
  TokenInput,
} from "../../../shared/schemas/index.ts";
import type { Ctx } from "../../domain/context.ts";
import * as sites from "../../domain/sites.ts";
import * as tokens from "../../domain/tokens.ts";
import * as agents from "../../domain/agents.ts";
import { updateAgent } from "../../domain/agent-updates.ts";
import * as contacts from "../../domain/contacts.ts";
import { eraseContact } from "../../domain/erasure.ts";
import { define } from "../route.ts";
import { ErrorEnvelope, errorResponses } from "./common.ts";

const IdParam = z.object({ id: z.string() });

/** Sites, API tokens, agents and contacts. */
export function adminRoutes(ctx: Ctx): Router {
  const r = Router();

  define(
    r,
    {
      method: "get",
      path: "/v1/sites",
      action: "site.read",
      tag: "Sites",
      summary: "List sites",
      responses: { 200: { description: "Sites", schema: z.object({ items: z.array(Site) }) }, ...errorResponses },
    },
    async ({ principal }) => ({
      status: 200,
      body: { items: await sites.listSites(ctx, principal) },
    }),
  );
  define(
    r,
    {
      method: "post",
      path: "/v1/sites",
      action: "site.create",
      tag: "Sites",
      summary: "Create a site (one per website)",
      body: SiteInput,
      responses: { 201: { description: "Created; siteKey is public", schema: Site }, ...errorResponses },
    },
    async ({ body, principal }) => ({
      status: 201,
      body: await sites.createSite(ctx, principal, body),
    }),
  );
  define(
    r,
    {
      method: "get",
      path: "/v1/sites/:id",
      action: "site.read",
      tag: "Sites",
      summary: "Get a site",
      params: IdParam,
      responses: { 200: { description: "The site", schema: Site }, ...errorResponses },
    },
    async ({ params, principal }) => ({
      status: 200,
      body: await sites.getSite(ctx, principal, params.id!),
    }),
  );
  define(
    r,
    {
      method: "patch",
      path: "/v1/sites/:id",
      action: "site.update",
      tag: "Sites",
      summary: "Update a site",
      description:
        "Any of name, allowedOrigins, theme, greeting, identitySecret, and the availability settings of CONTRACT §8: `businessHours` (IANA time zone and ranges per day; null: always open), `awayMessage`, `replyTime` and `assignment`. The site's open widgets hear the change at once.",
      params: IdParam,
      body: SitePatch,
      responses: { 200: { description: "The site", schema: Site }, ...errorResponses },
    },
    async ({ params, body, principal }) => ({
      status: 200,
      body: await sites.updateSite(ctx, principal, params.id!, body),
    }),
  );

  define(
    r,
    {
      method: "get",
      path: "/v1/tokens",
      action: "token.read",
      tag: "Tokens",
      summary: "List API tokens (never their secrets)",
      responses: { 200: { description: "Tokens", schema: z.object({ items: z.array(Token) }) }, ...errorResponses },
    },
    async ({ principal }) => ({
      status: 200,
      body: { items: await tokens.listTokens(ctx, principal) },
    }),
  );
  define(
    r,
    {
      method: "post",
      path: "/v1/tokens",
      action: "token.write",
      tag: "Tokens",
      summary: "Create an API token; the secret is shown once",
      body: TokenInput,
      responses: { 201: { description: "Created", schema: CreatedToken }, ...errorResponses },
    },
    async ({ body, principal }) => ({
      status: 201,
      body: await tokens.createToken(ctx, principal, body),
    }),
  );
  define(
    r,
    {
      method: "delete",
      path: "/v1/tokens/:id",
      action: "token.write",
      tag: "Tokens",
      summary: "Revoke an API token",
      params: IdParam,
      responses: { 204: { description: "Revoked" }, ...errorResponses },
    },
    async ({ params, principal }) => {
      await tokens.deleteToken(ctx, principal, params.id!);
      return { status: 204 };
    },
  );

  define(
    r,
    {
      method: "get",
      path: "/v1/agents",
      action: "agent.read",
      tag: "Agents",
      summary: "List agents",
      responses: { 200: { description: "Agents", schema: z.object({ items: z.array(Agent) }) }, ...errorResponses },
    },
    async ({ principal }) => ({
      status: 200,
      body: { items: await agents.listAgents(ctx, principal) },
    }),
  );
  define(
    r,
    {
      method: "post",
      path: "/v1/agents",
      action: "agent.create",
      tag: "Agents",
      summary: "Create an agent (an inbox user)",
      description: "The password is stored with scrypt and never returned.",
      body: AgentInput,
      responses: { 201: { description: "Created", schema: Agent }, ...errorResponses },
    },
    async ({ body, principal }) => ({
      status: 201,
      body: await agents.createAgent(ctx, principal, body),
    }),
  );
  define(
    r,
    {
      method: "get",
      path: "/v1/agents/:id",
      tag: "Agents",
      action: "agent.read",
      summary: "Get an agent",
      params: IdParam,
      responses: { 200: { description: "The agent", schema: Agent }, ...errorResponses },
    },
    async ({ params, principal }) => ({
      status: 200,
      body: await agents.getAgent(ctx, principal, params.id!),
    }),
  );
  define(
    r,
    {
      method: "patch",
      path: "/v1/agents/:id",
      tag: "Agents",
      action: "agent.update",
      summary: "Update an agent: name, password, role, active, away, queues",
      description:
        "An agent may change its own name, password and `away` (managers: anyone's). `queues`: owners, admins and admin tokens; empty means every queue. The answer carries `availability` (online, away, offline); every inbox hears the change. `role` and `active`: owners, admins and admin tokens; only owners and admin tokens grant or take away `owner` or change an owner (others: 403). `active: false` refuses sign-in and ends the agent's inbox sessions at once, live sockets included. Demoting or deactivating the last active owner answers 409 `conflict`.",
      params: IdParam,
      body: AgentPatch,
      responses: { 200: { description: "The agent", schema: Agent }, ...errorResponses },
    },
    async ({ params, body, principal }) => ({
      status: 200,
      body: await updateAgent(ctx, principal, params.id!, body),
    }),
  );

  define(
    r,
    {
      method: "get",
      path: "/v1/contacts/:id",
      action: "contact.read",
      tag: "Contacts",
      summary: "Get a contact",
      params: IdParam,
      responses: { 200: { description: "The contact", schema: Contact }, ...errorResponses },
    },
    async ({ params, principal }) => ({
      status: 200,
      body: await contacts.getContact(ctx, principal, params.id!),
    }),
  );
  define(
    r,
    {
      method: "patch",
      path: "/v1/contacts/:id",
      action: "contact.update",
      tag: "Contacts",
      summary: "Update a contact",
      params: IdParam,
      body: ContactInput,
      responses: { 200: { description: "The contact", schema: Contact }, ...errorResponses },
    },
    async ({ params, body, principal }) => ({
      status: 200,
      body: await contacts.patchContact(ctx, principal, params.id!, body),
    }),
  );
  define(
    r,
    {
      method: "delete",
      path: "/v1/contacts/:id",
      action: "contact.erase",
      tag: "Contacts",
      summary: "Erase a contact with its conversations, messages and files",
      description:
        "Permanent. Also forgets the contact's widget visitors (their tokens stop resolving to this person) and finished webhook deliveries about it, then announces `contact.deleted`. Admin tokens, tokens of the contact's site and owner agents only (other agents: 403).",
      params: IdParam,
      responses: {
        204: { description: "Erased" },
        403: {
          description: "forbidden: not an owner, an admin token or a token of the contact's site",
          schema: ErrorEnvelope,
        },
        ...errorResponses,
      },
    },
    async ({ params, principal }) => {
      await eraseContact(ctx, principal, params.id!);
      return { status: 204 };
    },
  );

  return r;
}
