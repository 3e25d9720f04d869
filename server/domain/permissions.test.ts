import { describe, expect, it } from "vitest";
import { can, decide } from "./permissions.ts";
import type { Principal } from "./context.ts";

const adminToken: Principal = { kind: "token", tokenId: "t1", siteId: null, name: "" };
const siteToken: Principal = { kind: "token", tokenId: "t2", siteId: "site_a", name: "" };
const as = (role: "owner" | "admin" | "agent", agentId = `ag_${role}`): Principal => ({
  kind: "agent",
  agentId,
  name: role,
  role,
});
const visitor: Principal = { kind: "visitor", visitorId: "v1", siteId: "site_a", contactId: "ct_1" };

describe("the permission table", () => {
  it("lets only owners, admins and admin tokens manage the team and every site", () => {
    for (const action of ["site.create", "agent.create", "agent.manage"] as const) {
      expect([adminToken, as("owner"), as("admin")].every((p) => can(p, action))).toBe(true);
      expect(decide(as("agent"), action)).toBe("forbidden");
      expect(decide(siteToken, action)).toBe("forbidden");
    }
    for (const action of ["token.write", "webhook.write", "site.update", "canned.team.write"] as const)
      expect(decide(as("agent"), action)).toBe("forbidden");
  });

  it("keeps owners' power with owners: admins neither mint tokens of every site nor touch owners", () => {
    expect(can(as("admin"), "token.admin.write")).toBe(false);
    expect(can(as("admin"), "agent.owner.manage")).toBe(false);
    expect(can(as("owner"), "agent.owner.manage")).toBe(true);
    expect(can(adminToken, "token.admin.write")).toBe(true);
  });

  it("holds site tokens and visitors to their site, and visitors to their own conversations (404 otherwise)", () => {
    expect(decide(siteToken, "conversation.read", { siteId: "site_b" })).toBe("not_found");
    expect(decide(siteToken, "token.write", { siteId: null })).toBe("not_found");
    expect(can(siteToken, "webhook.write", { siteId: "site_a" })).toBe(true);
    expect(can(visitor, "conversation.read", { siteId: "site_a", visitorId: "v1", contactId: null })).toBe(true);
    expect(decide(visitor, "conversation.read", { siteId: "site_a", visitorId: "v2", contactId: "ct_2" })).toBe(
      "not_found",
    );
    expect(decide(visitor, "conversation.update")).toBe("not_found");
  });

  it("lets every agent write saved replies of its own, and only managers and tokens team ones", () => {
    expect(can(as("agent", "ag_me"), "canned.write", { siteId: "site_a", agentId: "ag_me" })).toBe(true);
    expect(decide(as("agent", "ag_me"), "canned.write", { siteId: "site_a" })).toBe("forbidden");
    expect(decide(as("agent"), "canned.team.write")).toBe("forbidden");
    expect(decide(adminToken, "canned.personal.write")).toBe("forbidden");
    expect(can(siteToken, "canned.team.write", { siteId: "site_a" })).toBe(true);
    expect(decide(siteToken, "canned.read", { siteId: "site_b" })).toBe("not_found");
  });

  it("lets an agent change itself but nobody else; the inbox is for agents only", () => {
    expect(can(as("agent", "ag_me"), "agent.update", { agentId: "ag_me" })).toBe(true);
    expect(decide(as("agent", "ag_me"), "agent.update", { agentId: "ag_you" })).toBe("forbidden");
    expect(can(as("agent"), "agent.read")).toBe(true);
    expect(decide(adminToken, "inbox.session")).toBe("unauthorized");
    expect(can({ kind: "system" }, "agent.owner.manage")).toBe(true);
  });
});
