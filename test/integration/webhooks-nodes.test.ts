import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { services } from "../helpers/services.ts";
import { startNodes, type Nodes, type SpawnedNode } from "../helpers/nodes.ts";
import { startReceiver, type Receiver } from "./webhooks-receiver.ts";

/** Two node processes on one PostgreSQL database: each lease is taken by one node, and order still holds. */
describe.skipIf(!services.postgresUrl)("webhooks with two nodes on PostgreSQL", () => {
  let deployment: Nodes;
  let a: SpawnedNode;
  let b: SpawnedNode;
  let receiver: Receiver;

  beforeAll(async () => {
    const env = {
      PARLEY_WEBHOOK_ALLOW_PRIVATE: "1",
      PARLEY_WEBHOOK_BACKOFF_MS: "30",
      PARLEY_WEBHOOK_TIMEOUT_MS: "2000",
    };
    deployment = await startNodes(2, { env, redis: false });
    [a, b] = deployment.nodes as [SpawnedNode, SpawnedNode];
  });
  afterAll(async () => {
    await receiver?.close();
    await deployment?.close();
  });

  it("delivers each event once, in order per conversation, whichever node wrote it", async () => {
    // Every fifth request fails, so that retries and ordering across nodes are exercised.
    receiver = await startReceiver((_req, n) => (n % 5 === 3 ? 500 : 200));
    expect((await a.api("POST", "/v1/webhooks", { url: receiver.url, events: ["message.created"] })).status).toBe(201);
    const conversations: string[] = [];
    for (let i = 0; i < 4; i++)
      conversations.push((await a.api("POST", "/v1/conversations", { topic: `nodes ${i}` })).body.id);

    const perConversation = 8;
    await Promise.all(
      conversations.map(async (id) => {
        for (let n = 0; n < perConversation; n++) {
          const node = n % 2 === 0 ? a : b;
          expect((await node.api("POST", `/v1/conversations/${id}/messages`, { text: `m${n}` })).status).toBe(201);
        }
      }),
    );
    const total = conversations.length * perConversation;
    await receiver.waitFor(() => receiver.acked().length >= total, "every message acknowledged");

    const ackedIds = receiver.acked().map((r) => r.body.id);
    expect(new Set(ackedIds).size).toBe(total);
    expect(ackedIds.length).toBe(total);
    for (const id of conversations) {
      const seqs = receiver.received
        .filter((r) => r.body.data.message.conversationId === id)
        .map((r) => r.body.data.message.seq as number);
      expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
      expect([...new Set(seqs)]).toEqual(Array.from({ length: perConversation }, (_, i) => i + 1));
    }
  });
});
