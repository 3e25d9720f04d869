/**
 * Who takes the next conversation under round-robin (CONTRACT §8): among the agents online
 * whose queues cover the conversation's, the one with the fewest open conversations below
 * `maxOpen`; ties go to the one assigned least recently (never assigned counts as earliest),
 * then to the lower id so every node decides the same. Pure: the caller reads the candidates
 * inside the write's transaction, under a lock, so two nodes never decide at once.
 */
export interface Candidate {
  id: string;
  online: boolean;
  /** Queues this agent takes; empty: all of them. */
  queues: string[];
  open: number;
  lastAssignedAt: string | null;
}

export function takesQueue(agent: Candidate, queue: string | null): boolean {
  return agent.queues.length === 0 || (queue !== null && agent.queues.includes(queue));
}

export function pickAssignee(agents: Candidate[], queue: string | null, maxOpen: number): string | null {
  const able = agents.filter((a) => a.online && a.open < maxOpen && takesQueue(a, queue));
  able.sort(
    (a, b) =>
      a.open - b.open ||
      (a.lastAssignedAt ?? "").localeCompare(b.lastAssignedAt ?? "") ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return able[0]?.id ?? null;
}

/** Why nobody took a conversation, in words the inbox shows beside it. */
export function whyUnassigned(agents: Candidate[], queue: string | null, maxOpen: number): string {
  const forQueue = agents.filter((a) => takesQueue(a, queue));
  const where = queue ? ` in ${queue}` : "";
  if (forQueue.length === 0) return queue ? `no agent takes the ${queue} queue` : "no agent takes every queue";
  const online = forQueue.filter((a) => a.online);
  if (online.length === 0) return `nobody online${where}`;
  return `everyone online${where} has ${maxOpen} open conversations`;
}
