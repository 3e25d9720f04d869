import { describe, expect, it } from "vitest";
import { byActivity, filterQuery, matchesFilter, unreadCount, defaultFilter } from "./filters.ts";
import { conversation, message } from "./fixtures.test-support.ts";

describe("list filters", () => {
  it("asks the API for what the agent filtered on, with mine as the agent's id and unassigned as none", () => {
    expect(filterQuery({ status: "open", view: "mine", queue: " sales ", tag: "" }, "ag_me")).toEqual({
      status: "open",
      assignee: "ag_me",
      queue: "sales",
      tag: undefined,
    });
    expect(filterQuery({ status: "all", view: "unassigned", queue: "", tag: "vip" }, "ag_me")).toEqual({
      status: undefined,
      assignee: "none",
      queue: undefined,
      tag: "vip",
    });
  });

  it("keeps a live conversation only when it matches the same rules", () => {
    const me = "ag_me";
    const c = conversation({ assignee: me, queue: "sales", tags: ["vip"] });
    expect(matchesFilter(c, defaultFilter, me)).toBe(true);
    expect(matchesFilter(c, { ...defaultFilter, view: "mine" }, me)).toBe(true);
    expect(matchesFilter(c, { ...defaultFilter, view: "unassigned" }, me)).toBe(false);
    expect(matchesFilter(c, { ...defaultFilter, view: "mine" }, "ag_other")).toBe(false);
    expect(matchesFilter(c, { ...defaultFilter, queue: "support" }, me)).toBe(false);
    expect(matchesFilter(c, { ...defaultFilter, tag: "vip" }, me)).toBe(true);
    expect(matchesFilter({ ...c, status: "closed" }, defaultFilter, me)).toBe(false);
    expect(matchesFilter({ ...c, status: "closed" }, { ...defaultFilter, status: "all" }, me)).toBe(true);
  });

  it("counts the messages after the agents' read marker", () => {
    expect(unreadCount(conversation({ lastMessage: message(5), readUpTo: { contact: 5, agent: 2 } }))).toBe(3);
    expect(unreadCount(conversation({ lastMessage: message(5), readUpTo: { contact: 5, agent: 5 } }))).toBe(0);
    expect(unreadCount(conversation())).toBe(0);
  });

  it("orders by newest activity, then id, as the API does", () => {
    const a = conversation({ id: "conv_a", updatedAt: "2026-01-01T10:00:00.000Z" });
    const b = conversation({ id: "conv_b", updatedAt: "2026-01-01T11:00:00.000Z" });
    const c = conversation({ id: "conv_c", updatedAt: "2026-01-01T10:00:00.000Z" });
    expect([a, b, c].sort(byActivity).map((x) => x.id)).toEqual(["conv_b", "conv_c", "conv_a"]);
  });
});
