import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Socket } from "socket.io-client";
import { nodesAvailable, startNodes, type Nodes } from "../helpers/nodes.ts";
import { agentWithRole, signedIn } from "../helpers/agents.ts";
import { openStore, type Store } from "../../server/store/db.ts";
import { clientId, connectVisitor, text, type Visitor } from "./realtime-helpers.ts";
import { assignment, inboxOnline, roundRobinSite } from "./assignment-helpers.ts";

const MAX_OPEN = 3;
const VISITORS = 24;

/**
 * CONTRACT §8 across nodes: two node processes on one PostgreSQL database joined by Redis, one
 * agent's inbox on each. Many visitors start conversations at once, half on each node: the site
 * lock makes every decision see the others', so no agent goes past maxOpen, no conversation is
 * assigned twice, and the rest wait until capacity frees.
 */
describe.skipIf(!nodesAvailable)("round-robin across two nodes", () => {
  let deployment: Nodes;
  let store: Store;
  const sockets: Socket[] = [];
  const visitors: Visitor[] = [];
  beforeAll(async () => {
    deployment = await startNodes(2, { env: { PARLEY_PRESENCE_GRACE_MS: "500" } });
    store = await openStore(deployment.databaseUrl);
  });
  afterAll(async () => {
    for (const x of sockets) x.disconnect();
    for (const v of visitors) v.close();
    await store?.close();
    await deployment?.close();
  });

  it(`${VISITORS} visitors at once, two agents, maxOpen ${MAX_OPEN}: capped, each assigned once, the rest wait`, async () => {
    const [one, two] = deployment.nodes as [Nodes["nodes"][0], Nodes["nodes"][0]];
    const siteId = await roundRobinSite(one, MAX_OPEN);
    const siteKey = (await one.api("GET", `/v1/sites/${siteId}`)).body.siteKey as string;
    const a = await agentWithRole(one, "agent");
    const b = await agentWithRole(two, "agent");
    sockets.push(await inboxOnline(one, a.call, a.id));
    sockets.push(await inboxOnline(two, await signedIn(two, b.email, b.password), b.id));

    const connected = await Promise.all(
      Array.from({ length: VISITORS }, (_, i) => connectVisitor((i % 2 ? two : one).url, { siteKey })),
    );
    visitors.push(...connected);
    const acks = await Promise.all(
      connected.map((v, i) => v.call("send", { clientId: clientId(), message: text(`visitor ${i}`) })),
    );
    expect(acks.every((x) => x.ok)).toBe(true);
    const ids = acks.map((x) => x.conversation.id as string);
    expect(new Set(ids).size).toBe(VISITORS);

    const list = async () =>
      (await two.api("GET", `/v1/conversations?siteId=${siteId}&limit=100`)).body.items as {
        id: string;
        assignee: string | null;
      }[];
    const items = await list();
    const perAgent = (id: string) => items.filter((c) => c.assignee === id).length;
    expect(perAgent(a.id)).toBe(MAX_OPEN);
    expect(perAgent(b.id)).toBe(MAX_OPEN);
    expect(items.filter((c) => c.assignee === null)).toHaveLength(VISITORS - 2 * MAX_OPEN);

    // The durable log holds one assignment per assigned conversation, never two.
    const logged = await store.db
      .selectFrom("events")
      .select(["subject", "data"])
      .where("site_id", "=", siteId)
      .where("type", "=", "conversation.updated")
      .execute();
    const assignments = logged.filter((e) => (JSON.parse(e.data).changed as string[]).includes("assignee"));
    expect(assignments).toHaveLength(2 * MAX_OPEN);
    expect(new Set(assignments.map((e) => e.subject)).size).toBe(2 * MAX_OPEN);

    // a solves one on node one: a waiting conversation goes to a (whichever node's assigner runs it), once.
    const mine = items.find((c) => c.assignee === a.id)!;
    const waiting = items.filter((c) => c.assignee === null).map((c) => c.id);
    const taken = new Promise<string>((resolve) =>
      waiting.forEach((id) => void assignment(sockets[1]!, id).then(() => resolve(id))),
    );
    expect((await a.call("PATCH", `/v1/conversations/${mine.id}`, { status: "solved" })).status).toBe(200);
    const next = await taken;
    const after = await list();
    expect(after.find((c) => c.id === next)!.assignee).toBe(a.id);
    expect(after.filter((c) => c.assignee === a.id && c.id !== mine.id)).toHaveLength(MAX_OPEN);
    expect(after.filter((c) => c.assignee === null)).toHaveLength(VISITORS - 2 * MAX_OPEN - 1);
  });
});
