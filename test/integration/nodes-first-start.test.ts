import { describe, expect, it } from "vitest";
import { nodesAvailable, startNodes } from "../helpers/nodes.ts";

/**
 * A deployment's first start: three node processes on one empty PostgreSQL database at the same
 * moment. They migrate it once and agree on one default site, one owner and the pinned token.
 */
describe.skipIf(!nodesAvailable)("first start of several nodes on an empty database", () => {
  // Three processes starting (and compiling) at once on a loaded machine: more than the default 30 s.
  it(
    "migrates once and makes one default site and one owner that every node serves",
    { timeout: 120_000 },
    async () => {
      const deployment = await startNodes(3);
      try {
        const [first, ...others] = deployment.nodes;
        for (const node of others) expect(node.siteKey).toBe(first!.siteKey);
        for (const node of deployment.nodes) {
          const sites = await node.api("GET", "/v1/sites");
          expect(sites.status).toBe(200);
          expect(sites.body.items.map((s: any) => s.siteKey)).toEqual([first!.siteKey]);
          const agents = await node.api("GET", "/v1/agents");
          expect(agents.body.items.map((a: any) => `${a.email} ${a.role}`)).toEqual(["admin@localhost owner"]);
          const tokens = await node.api("GET", "/v1/tokens");
          expect(tokens.body.items).toHaveLength(1);
        }
        const signIn = await fetch(`${others[0]!.url}/v1/inbox/session`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-parley-csrf": "1" },
          body: JSON.stringify({ email: "admin@localhost", password: first!.adminPassword }),
        });
        expect(signIn.status).toBe(200);
      } finally {
        await deployment.close();
      }
    },
  );
});
