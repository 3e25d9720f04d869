import type { Agent, Assignment, Conversation, Site } from "../../shared/schemas/index.ts";
import { whyUnassigned } from "../../shared/routing.ts";

/** Each site's assignment rule, by site id (read once with the sites the agent may see). */
export type Assignments = Record<string, Assignment>;

export function assignmentsOf(sites: Site[]): Assignments {
  return Object.fromEntries(sites.map((s) => [s.id, s.assignment]));
}

/**
 * Why an unassigned conversation waits under round-robin (CONTRACT §8), from what the inbox
 * knows live: the team's availability and queues, and the site's rule. Null when there is
 * nothing to explain: assigned, solved or closed, or a site that assigns by hand.
 */
export function unassignedReason(c: Conversation, agents: Agent[], assignments: Assignments): string | null {
  const rule = assignments[c.siteId];
  if (c.assignee || c.status === "solved" || c.status === "closed" || rule?.mode !== "round_robin") return null;
  const team = agents
    .filter((a) => a.active)
    .map((a) => ({ online: a.availability === "online", queues: a.queues ?? [] }));
  return whyUnassigned(team, c.queue, rule.maxOpen);
}
