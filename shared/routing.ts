/**
 * The queue rule and the words for why a conversation is unassigned (CONTRACT §8), shared by the
 * relay's round-robin and the inbox, which shows the reason beside each waiting conversation.
 */
export interface QueueTaker {
  /** Online: an inbox connected and not away. */
  online: boolean;
  /** Queues this agent takes; empty: all of them. */
  queues: string[];
}

export function takesQueue(agent: Pick<QueueTaker, "queues">, queue: string | null): boolean {
  return agent.queues.length === 0 || (queue !== null && agent.queues.includes(queue));
}

/**
 * Why nobody took a conversation, in words the inbox shows beside it. With someone online who
 * takes its queue, round-robin would have given it unless each of them is at `maxOpen`.
 */
export function whyUnassigned(agents: QueueTaker[], queue: string | null, maxOpen: number): string {
  const forQueue = agents.filter((a) => takesQueue(a, queue));
  const where = queue ? ` in ${queue}` : "";
  if (forQueue.length === 0) return queue ? `no agent takes the ${queue} queue` : "no agent takes every queue";
  const online = forQueue.filter((a) => a.online);
  if (online.length === 0) return `nobody online${where}`;
  return `everyone online${where} has ${maxOpen} open conversations`;
}
