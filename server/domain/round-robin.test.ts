import { describe, expect, it } from "vitest";
import { pickAssignee, whyUnassigned, type Candidate } from "./round-robin.ts";

const agent = (id: string, over: Partial<Candidate> = {}): Candidate => ({
  id,
  online: true,
  queues: [],
  open: 0,
  lastAssignedAt: null,
  ...over,
});

describe("round-robin", () => {
  it("gives the conversation to the online agent with the fewest open", () => {
    expect(pickAssignee([agent("ag_a", { open: 2 }), agent("ag_b", { open: 1 })], null, 5)).toBe("ag_b");
  });

  it("breaks ties by who was assigned least recently, never-assigned first", () => {
    const agents = [
      agent("ag_a", { lastAssignedAt: "2026-12-01T10:00:00.000Z" }),
      agent("ag_b", { lastAssignedAt: "2026-12-01T09:00:00.000Z" }),
      agent("ag_c", { lastAssignedAt: null }),
    ];
    expect(pickAssignee(agents, null, 5)).toBe("ag_c");
    expect(pickAssignee(agents.slice(0, 2), null, 5)).toBe("ag_b");
  });

  it("skips agents who are away or offline, full, or who take other queues", () => {
    const agents = [
      agent("ag_off", { online: false }),
      agent("ag_full", { open: 3 }),
      agent("ag_sales", { queues: ["sales"] }),
      agent("ag_billing", { queues: ["billing", "sales"], open: 2 }),
    ];
    expect(pickAssignee(agents, "billing", 3)).toBe("ag_billing");
    expect(pickAssignee(agents, null, 3)).toBeNull(); // no queue: only agents who take all
    expect(whyUnassigned(agents, null, 3)).toBe("everyone online has 3 open conversations");
  });

  it("says why nobody took it", () => {
    expect(whyUnassigned([agent("ag_a", { online: false, queues: ["billing"] })], "billing", 5)).toBe(
      "nobody online in billing",
    );
    expect(whyUnassigned([agent("ag_a", { queues: ["sales"] })], "billing", 5)).toBe(
      "no agent takes the billing queue",
    );
  });
});
