import crypto from "node:crypto";
import { freshDatabaseUrl } from "./server.ts";
import { services } from "./services.ts";
import { spawnNode, startNodes, type SpawnedNode } from "./nodes.ts";
import type { Message } from "../../shared/schemas/message.ts";

/**
 * The relay under a chaos test: real node processes (SQLite: one, restarted on the same database
 * file; PostgreSQL: two joined by Redis), any of which can be SIGKILLed and started again.
 */
export interface Cluster {
  nodes: SpawnedNode[];
  token: string;
  /** SIGKILLs node `i` and starts a new process on the same database in its place. */
  crash(i: number): Promise<{ oldPort: number; newPort: number }>;
  close(): Promise<void>;
}

export async function startCluster(kind: "sqlite" | "postgres", env: Record<string, string>): Promise<Cluster> {
  let nodes: SpawnedNode[];
  let token: string;
  let databaseUrl: string;
  let close: () => Promise<void>;
  if (kind === "sqlite") {
    const database = await freshDatabaseUrl("sqlite");
    token = `sk_test_${crypto.randomBytes(12).toString("hex")}`;
    databaseUrl = database.url;
    nodes = [await spawnNode({ databaseUrl, token, env })];
    close = async () => {
      await Promise.all(nodes.map((n) => n.close()));
      await database.drop();
    };
  } else {
    const started = await startNodes(2, { env });
    ({ nodes, token, databaseUrl } = started);
    close = started.close;
  }
  const nodeEnv = kind === "postgres" ? { REDIS_URL: services.redisUrl!, ...env } : env;
  return {
    nodes,
    token,
    async crash(i) {
      const old = nodes[i]!;
      old.child.kill("SIGKILL");
      await old.exited;
      const fresh = await spawnNode({ databaseUrl, token, env: nodeEnv });
      nodes[i] = fresh;
      return { oldPort: old.port, newPort: fresh.port };
    },
    close,
  };
}

/** Every message of a conversation, in seq order, read straight from a node. */
export async function allMessages(node: SpawnedNode, conversationId: string): Promise<Message[]> {
  const out: Message[] = [];
  for (let skip = 0; ; skip += 100) {
    const page = await node.api("GET", `/v1/conversations/${conversationId}/messages?limit=100&skip=${skip}`);
    if (page.status !== 200) throw new Error(`history of ${conversationId} answered ${page.status}`);
    out.push(...(page.body.items as Message[]));
    if (!page.body.hasMore) break;
  }
  return out.sort((a, b) => a.seq - b.seq);
}

/** The histories of these conversations (by id), read a few at a time. */
export async function allHistories(
  node: SpawnedNode,
  conversations: { id: string }[],
): Promise<Map<string, Message[]>> {
  const out = new Map<string, Message[]>();
  const queue = [...conversations];
  const reader = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) out.set(c.id, await allMessages(node, c.id));
  };
  await Promise.all(Array.from({ length: 8 }, reader));
  return out;
}

/** Every conversation of the deployment. */
export async function allConversations(node: SpawnedNode): Promise<{ id: string }[]> {
  const out: { id: string }[] = [];
  let cursor: string | null = null;
  do {
    const page = await node.api("GET", `/v1/conversations?limit=100${cursor ? `&cursor=${cursor}` : ""}`);
    if (page.status !== 200) throw new Error(`the conversation list answered ${page.status}`);
    out.push(...(page.body.items as { id: string }[]));
    cursor = page.body.hasMore ? page.body.nextCursor : null;
  } while (cursor);
  return out;
}
