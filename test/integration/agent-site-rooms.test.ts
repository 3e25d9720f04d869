import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Socket } from "socket.io-client";
import { agentSocket, agentWithRole } from "../helpers/agents.ts";
import { topologies, type Deployment } from "./realtime-helpers.ts";

/**
 * Agents' sockets join a room per site they may see, and a site's events go to its room: an
 * event of a site reaches the inboxes of that site, on every node, also for a site created
 * after the inbox connected. Deactivating an agent cuts its sockets on every node.
 */
function next<T>(socket: Socket, event: string, where: (payload: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const handler = (payload: T) => {
      if (!where(payload)) return;
      socket.off(event, handler);
      resolve(payload);
    };
    socket.on(event, handler);
  });
}

for (const topology of topologies) {
  describe.skipIf(!topology.available)(`agent site rooms (${topology.name})`, () => {
    let deployment: Deployment;
    const sockets: Socket[] = [];
    beforeAll(async () => {
      deployment = await topology.start();
    });
    afterAll(async () => {
      for (const socket of sockets) socket.disconnect();
      await deployment?.close();
    });

    it("an event of a site reaches an agent of that site, also of a site created after it connected", async () => {
      const { restNode, visitorNode } = deployment;
      const agent = await agentWithRole(restNode, "agent");
      const socket = await agentSocket(visitorNode.url, agent.call.headers.cookie!);
      sockets.push(socket);

      type Created = { conversation: { id: string; siteId: string; contact: { name: string } } };
      const heardHere = next<Created>(socket, "conversation.created", (p) => p.conversation.contact.name === "Here");
      const here = await restNode.api("POST", "/v1/conversations", { contact: { name: "Here" } });
      expect((await heardHere).conversation.id).toBe(here.body.id);

      const site = await restNode.api("POST", "/v1/sites", { name: `Later ${topology.name}` });
      expect(site.status).toBe(201);
      const heard = next<Created>(socket, "conversation.created", (p) => p.conversation.siteId === site.body.id);
      const later = await restNode.api("POST", "/v1/conversations", {
        siteId: site.body.id,
        contact: { name: "There" },
      });
      expect(later.status).toBe(201);
      expect((await heard).conversation.id).toBe(later.body.id);
    });

    it("deactivating an agent cuts its socket on another node", async () => {
      const { restNode, visitorNode } = deployment;
      const agent = await agentWithRole(restNode, "agent");
      const socket = await agentSocket(visitorNode.url, agent.call.headers.cookie!);
      sockets.push(socket);
      const cut = new Promise<string>((resolve) => socket.once("disconnect", resolve));
      expect((await restNode.api("PATCH", `/v1/agents/${agent.id}`, { active: false })).status).toBe(200);
      expect(await cut).toBe("io server disconnect");
    });
  });
}
