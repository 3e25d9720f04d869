import { describe, expect, it } from "vitest";
import type { Agent } from "../../shared/schemas/index.ts";
import { conversation } from "./fixtures.test-support.ts";
import { unassignedReason } from "./routing.ts";

const agent = (id: string, over: Partial<Agent> = {}): Agent => ({
  id,
  name: id,
  email: `${id}@example.com`,
  role: "agent",
  active: true,
  availability: "online",
  queues: [],
  emailNotifications: false,
  createdAt: "2026-01-01T00:00:00.000Z",
  ...over,
});

describe("why an unassigned conversation waits (round-robin)", () => {
  const c = conversation({ siteId: "site_a", assignee: null, queue: "billing", status: "open" });
  const roundRobin = { site_a: { mode: "round_robin" as const, maxOpen: 3 } };

  it("names the queue nobody online takes, and changes as the team's availability does", () => {
    const billing = agent("ag_b", { queues: ["billing"], availability: "offline" });
    const sales = agent("ag_s", { queues: ["sales"] });
    expect(unassignedReason(c, [billing, sales], roundRobin)).toBe("nobody online in billing");
    expect(unassignedReason(c, [{ ...billing, availability: "away" }, sales], roundRobin)).toBe(
      "nobody online in billing",
    );
    expect(unassignedReason(c, [{ ...billing, availability: "online" }, sales], roundRobin)).toBe(
      "everyone online in billing has 3 open conversations",
    );
    expect(unassignedReason(c, [sales], roundRobin)).toBe("no agent takes the billing queue");
    // A deactivated agent is no one.
    expect(unassignedReason(c, [{ ...billing, active: false, availability: "online" }], roundRobin)).toBe(
      "no agent takes the billing queue",
    );
  });

  it("says nothing when assigned, solved or closed, or when the site assigns by hand", () => {
    const team = [agent("ag_a", { availability: "offline" })];
    expect(unassignedReason({ ...c, assignee: "ag_a" }, team, roundRobin)).toBeNull();
    expect(unassignedReason({ ...c, status: "solved" }, team, roundRobin)).toBeNull();
    expect(unassignedReason({ ...c, status: "closed" }, team, roundRobin)).toBeNull();
    expect(unassignedReason(c, team, { site_a: { mode: "manual", maxOpen: 3 } })).toBeNull();
    expect(unassignedReason(c, team, {})).toBeNull();
    expect(unassignedReason({ ...c, queue: null }, team, roundRobin)).toBe("nobody online");
  });
});
