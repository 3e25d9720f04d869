import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registry, type RouteSpec } from "../../server/http/route.ts";
import { actions, decide, type Decision } from "../../server/domain/permissions.ts";
import type { Principal } from "../../server/domain/context.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { databases } from "../helpers/services.ts";
import { agentWithRole, signedIn } from "../helpers/agents.ts";
import { connectVisitor, type Visitor } from "./realtime-helpers.ts";
import { makeFixtures, samples, type Fixtures, type Sample } from "./permissions-samples.ts";

/**
 * The permission matrix: every route of the registry × every kind of caller, over the real HTTP
 * API, answers what the permission table (server/domain/permissions.ts) says: allowed, or 401,
 * 403 or 404. A route without an action in the table, or without a sample request here, fails.
 */
interface Who {
  name: string;
  headers: Record<string, string>;
  /** As the table sees it; null: anonymous. */
  principal: Principal | null;
}

const statusOf: Record<Exclude<Decision, "allowed">, number> = { forbidden: 403, not_found: 404, unauthorized: 401 };

function routes(): RouteSpec[] {
  const seen = new Map<string, RouteSpec>();
  for (const spec of registry) seen.set(`${spec.method.toUpperCase()} ${spec.path}`, spec);
  // Signing out ends the agents' sessions: it goes last.
  return [...seen.values()].sort((a, b) => Number(isSignOut(a)) - Number(isSignOut(b)));
}
const isSignOut = (spec: RouteSpec) => spec.method === "delete" && spec.path === "/v1/inbox/session";

/** What the table expects of this caller on this route: a decision, or "public" (the same for everyone). */
function expected(spec: RouteSpec, who: Who, sample: Sample): Decision | "public" {
  if (spec.action === "public") return "public";
  const p = who.principal;
  if (!p || (p.kind === "visitor" && !spec.visitors)) return "unauthorized";
  const route = decide(p, spec.action);
  if (route !== "allowed" || !sample.resource) return route;
  return decide(p, spec.action, sample.resource);
}

describe.each(databases())("permission matrix on $name", ({ name, available }) => {
  describe.skipIf(!available)("", () => {
    let s: TestServer;
    let fx: Fixtures;
    let visitor: Visitor;
    const callers: Who[] = [];
    beforeAll(async () => {
      s = await startTestServer({ db: name, env: { PARLEY_WEBHOOK_ALLOW_PRIVATE: "1" } });
      fx = await makeFixtures(s);
      const siteB = (await s.api("POST", "/v1/sites", { name: "B" })).body.id as string;
      const tokenOf = async (siteId: string) =>
        (await s.api("POST", "/v1/tokens", { name: `t ${siteId}`, siteId })).body.secret as string;
      const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
      const owner = await signedIn(s, "admin@localhost", s.adminPassword);
      const ownerId = (await owner("GET", "/v1/inbox/session")).body.agent.id as string;
      const agent = (role: "owner" | "admin" | "agent", agentId: string): Principal => ({
        kind: "agent",
        agentId,
        name: "x",
        role,
      });
      const admin = await agentWithRole(s, "admin");
      const plain = await agentWithRole(s, "agent");
      visitor = await connectVisitor(s.url, { siteKey: s.siteKey });
      callers.push(
        {
          name: "admin token",
          headers: bearer(s.token),
          principal: { kind: "token", tokenId: "t", siteId: null, name: "" },
        },
        {
          name: "site token",
          headers: bearer(await tokenOf(fx.siteA)),
          principal: { kind: "token", tokenId: "t", siteId: fx.siteA, name: "" },
        },
        {
          name: "another site's token",
          headers: bearer(await tokenOf(siteB)),
          principal: { kind: "token", tokenId: "t", siteId: siteB, name: "" },
        },
        { name: "owner", headers: owner.headers, principal: agent("owner", ownerId) },
        { name: "admin", headers: admin.call.headers, principal: agent("admin", admin.id) },
        { name: "agent", headers: plain.call.headers, principal: agent("agent", plain.id) },
        {
          name: "visitor",
          headers: { authorization: `Visitor ${visitor.welcome.visitorToken}`, "x-parley-site": s.siteKey },
          principal: {
            kind: "visitor",
            visitorId: visitor.welcome.visitorId,
            siteId: fx.siteA,
            contactId: visitor.welcome.contactId,
          },
        },
        { name: "anonymous", headers: {}, principal: null },
      );
    });
    afterAll(async () => {
      visitor?.close();
      await s?.close();
    });

    it("every route names an action of the table (or public) and has a sample request", () => {
      const missing = routes().filter((spec) => !samples[`${spec.method.toUpperCase()} ${spec.path}`]);
      expect(missing.map((spec) => `${spec.method.toUpperCase()} ${spec.path}`)).toEqual([]);
      for (const spec of routes()) expect(["public", ...actions]).toContain(spec.action);
    });

    it("answers every caller on every route as the table says", async () => {
      const wrong: string[] = [];
      for (const spec of routes()) {
        const key = `${spec.method.toUpperCase()} ${spec.path}`;
        const publicAnswers = new Set<number>();
        for (const who of callers) {
          const sample = await samples[key]!(fx);
          const headers: Record<string, string> = { ...who.headers, ...sample.headers };
          let body: BodyInit | undefined;
          if (sample.form) body = sample.form;
          else if (sample.body !== undefined) {
            headers["content-type"] = "application/json";
            body = JSON.stringify(sample.body);
          }
          const res = await fetch(s.url + sample.path, { method: spec.method.toUpperCase(), headers, body });
          const want = expected(spec, who, sample);
          const got = res.status;
          if (want === "public") publicAnswers.add(got);
          else if (want === "allowed" ? [401, 403, 404].includes(got) || got >= 500 : got !== statusOf[want])
            wrong.push(`${key} as ${who.name}: ${got}, the table says ${want} — ${(await res.text()).slice(0, 120)}`);
          if (got >= 500) wrong.push(`${key} as ${who.name}: ${got}`);
        }
        if (publicAnswers.size > 1) wrong.push(`${key} is public but answers ${[...publicAnswers].join(", ")}`);
      }
      expect(wrong).toEqual([]);
    });
  });
});
