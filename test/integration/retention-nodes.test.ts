import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { nodesAvailable, startNodes, type Nodes } from "../helpers/nodes.ts";
import { services } from "../helpers/services.ts";

/**
 * Retention across real node processes (PostgreSQL + Redis): both nodes run the job every 100 ms,
 * and the lease lets one at a time through. Every expired conversation is deleted exactly once
 * (the nodes' logs add up to the count), no pass fails, and the others stay.
 */
describe.skipIf(!nodesAvailable)("retention on two node processes", () => {
  let deployment: Nodes;
  beforeAll(async () => {
    deployment = await startNodes(2, { env: { PARLEY_RETENTION_INTERVAL_MS: "100", LOG_LEVEL: "info" } });
  });
  afterAll(() => deployment?.close());

  it("deletes each expired conversation once, whichever node runs the pass", async () => {
    const [a, b] = deployment.nodes as [Nodes["nodes"][0], Nodes["nodes"][0]];
    const siteId = (await a.api("GET", "/v1/sites")).body.items[0].id;
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const c = await a.api("POST", "/v1/conversations", {
        siteId,
        contact: { name: `Person ${i}` },
        message: { type: "text", content: { text: `message ${i}` } },
      });
      ids.push(c.body.id);
      expect((await b.api("PATCH", `/v1/conversations/${c.body.id}`, { status: "closed" })).status).toBe(200);
    }
    expect((await b.api("PATCH", `/v1/sites/${siteId}`, { retentionDays: 1 })).status).toBe(200);

    // 30 of them were closed long ago (written as an old database would hold them).
    const expired = ids.slice(0, 30);
    const client = new pg.Client({ connectionString: services.postgresUrl! });
    await client.connect();
    try {
      const schema = new URL(deployment.databaseUrl).searchParams.get("schema")!;
      await client.query(`set search_path to "${schema}"`);
      await client.query("update conversations set closed_at = $1 where id = any($2)", [
        "2020-01-01T00:00:00.000Z",
        expired,
      ]);
    } finally {
      await client.end();
    }

    await vi.waitFor(
      async () => {
        for (const id of expired) expect((await a.api("GET", `/v1/conversations/${id}`)).status).toBe(404);
      },
      { timeout: 20_000, interval: 200 },
    );
    for (const id of ids.slice(30)) expect((await b.api("GET", `/v1/conversations/${id}`)).status).toBe(200);

    const logs = deployment.nodes.flatMap((n) => n.lines.flatMap((l) => (l.startsWith("{") ? [JSON.parse(l)] : [])));
    const passes = logs.filter((l) => String(l.msg).startsWith("retention:"));
    expect(passes.reduce((sum, l) => sum + l.deleted, 0)).toBe(30);
    expect(logs.filter((l) => String(l.msg).startsWith("retention pass failed"))).toEqual([]);
  }, 60_000);
});
