import { io, type Socket } from "socket.io-client";
import type { ParleyNode } from "../helpers/nodes.ts";
import type { Caller } from "../helpers/agents.ts";

/** An inbox socket for this signed-in agent, resolved once the relay announces the agent online. */
export async function inboxOnline(node: ParleyNode, call: Caller, agentId: string): Promise<Socket> {
  const socket = io(`${node.url}/agent`, {
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
    extraHeaders: { cookie: call.headers.cookie! },
  });
  await new Promise<void>((resolve) =>
    socket.on("agent.updated", (e: any) => e.agent.id === agentId && e.agent.availability === "online" && resolve()),
  );
  return socket;
}

/** The next `conversation.updated` this inbox hears that assigns the conversation; answers the assignee. */
export function assignment(inbox: Socket, conversationId: string): Promise<string> {
  return new Promise((resolve) => {
    const listener = (e: any) => {
      if (e.conversation.id !== conversationId || !e.changed.includes("assignee") || !e.conversation.assignee) return;
      inbox.off("conversation.updated", listener);
      resolve(e.conversation.assignee);
    };
    inbox.on("conversation.updated", listener);
  });
}

/** A conversation a visitor starts with a message (the first visitor message routes it). */
export async function visitorStarts(
  node: ParleyNode,
  siteId: string,
  label: string,
  queue?: string,
): Promise<{ id: string; assignee: string | null }> {
  const res = await node.api("POST", "/v1/conversations", {
    siteId,
    contact: { name: label },
    sender: { type: "contact" },
    message: { type: "text", content: { text: `hello from ${label}` } },
    ...(queue ? { queue } : {}),
  });
  if (res.status !== 201) throw new Error(`starting a conversation answered ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, assignee: res.body.assignee };
}

export async function roundRobinSite(node: ParleyNode, maxOpen: number): Promise<string> {
  const res = await node.api("POST", "/v1/sites", {
    name: `Round-robin ${Math.random().toString(36).slice(2, 8)}`,
    assignment: { mode: "round_robin", maxOpen },
  });
  if (res.status !== 201) throw new Error(`creating a site answered ${res.status}`);
  return res.body.id;
}
