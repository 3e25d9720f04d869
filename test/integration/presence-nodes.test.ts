import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Socket } from "socket.io-client";
import { agentSocket, agentWithRole } from "../helpers/agents.ts";
import { nodesAvailable, startNodes, type Nodes, type SpawnedNode } from "../helpers/nodes.ts";

/**
 * Agent presence outlives no node: an agent whose only inbox is on a node that is SIGKILLed (no
 * goodbye, no socket closed on its side) turns offline on the other node once the dead node's
 * heartbeat entries expire (PARLEY_PRESENCE_TTL_MS) and the grace period has run, and the
 * other node's inboxes hear it. Two real node processes joined by Redis.
 */

const sockets: Socket[] = [];

async function inbox(node: SpawnedNode, cookie: string): Promise<Socket> {
  const socket = await agentSocket(node.url, cookie);
  sockets.push(socket);
  return socket;
}

type AgentUpdated = { agent: { id: string; availability: string } };

function heard(socket: Socket, agentId: string, availability: string): Promise<void> {
  return new Promise((resolve) => {
    const listener = (e: AgentUpdated) => {
      if (e.agent.id !== agentId || e.agent.availability !== availability) return;
      socket.off("agent.updated", listener);
      resolve();
    };
    socket.on("agent.updated", listener);
  });
}

describe.skipIf(!nodesAvailable)("agent presence when a node dies (two node processes joined by Redis)", () => {
  let deployment: Nodes;
  beforeAll(async () => {
    deployment = await startNodes(2, { env: { PARLEY_PRESENCE_GRACE_MS: "300", PARLEY_PRESENCE_TTL_MS: "1500" } });
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await deployment?.close();
  });

  it("an agent whose inbox was on a SIGKILLed node turns offline on the other node, which tells its inboxes", async () => {
    const [survivor, doomed] = deployment.nodes as [SpawnedNode, SpawnedNode];
    const watcher = await agentWithRole(survivor, "admin");
    const watching = await inbox(survivor, watcher.call.headers.cookie!);
    const agent = await agentWithRole(survivor, "agent");
    const online = heard(watching, agent.id, "online");
    await inbox(doomed, agent.call.headers.cookie!);
    await online;
    expect((await survivor.api("GET", `/v1/agents/${agent.id}`)).body.availability).toBe("online");

    const offline = heard(watching, agent.id, "offline");
    doomed.child.kill("SIGKILL");
    await doomed.exited;
    await offline;
    expect((await survivor.api("GET", `/v1/agents/${agent.id}`)).body.availability).toBe("offline");
    // The watcher's own inbox, on the node that lives, is still online.
    expect((await survivor.api("GET", `/v1/agents/${watcher.id}`)).body.availability).toBe("online");
  });
});
