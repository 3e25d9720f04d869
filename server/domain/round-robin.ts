/**
 * Who takes the next conversation under round-robin (CONTRACT §8): among the agents online
 * whose queues cover the conversation's, the one with the fewest open conversations below
 * `maxOpen`; ties go to the one assigned least recently (never assigned counts as earliest),
 * then to the lower id so every node decides the same. Pure: the caller reads the candidates
 * inside the write's transaction, under a lock, so two nodes never decide at once.
 */
import { takesQueue, type QueueTaker } from "../../shared/routing.ts";

export { takesQueue, whyUnassigned } from "../../shared/routing.ts";

export interface Candidate extends QueueTaker {
  id: string;
  open: number;
  lastAssignedAt: string | null;
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
