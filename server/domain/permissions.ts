import type { Principal } from "./context.ts";
import { notFound, ParleyError } from "./errors.ts";

/**
 * The one permission table: who may do what, for every REST route, socket handler and inbox
 * action. Routes name their action (http/route.ts checks it before anything runs); domain
 * functions check it again with the object at hand (its site, its owner).
 */

/** Who is acting, as the table sees it. */
export type Actor = "admin-token" | "site-token" | "owner" | "admin" | "agent" | "visitor";
export const actors: readonly Actor[] = ["admin-token", "site-token", "owner", "admin", "agent", "visitor"];

/**
 * What the action is done to. `siteId` is the object's site (null: an object of every site, such
 * as an admin token); callers held to one site see nothing of another. `visitorId`/`contactId`
 * name the person a conversation or contact belongs to; `agentId` the agent acted on.
 */
export interface Resource {
  siteId?: string | null;
  visitorId?: string | null;
  contactId?: string | null;
  agentId?: string;
}

/**
 * true: always; "own": a visitor, on its own conversation or contact; "self": an agent, on itself
 * or on what is its own (`agentId` names the owner: a personal saved reply's author).
 */
type Grant = true | "own" | "self";
interface Rule {
  /** Who may. Everyone else is refused. */
  allow: Partial<Record<Actor, Grant>>;
  /**
   * What a refused caller is told: 403 `forbidden` (default); 404 where it may not even know
   * the object exists; 401 where only a signed-in agent can be meant.
   */
  refuse?: "forbidden" | "not_found" | "unauthorized";
}

const managers = { "admin-token": true, owner: true, admin: true } as const;
const siteManagers = { ...managers, "site-token": true } as const;
const team = { ...siteManagers, agent: true } as const;

export const permissions = {
  "conversation.read": { allow: { ...team, visitor: "own" } },
  "conversation.create": { allow: { ...team, visitor: true } },
  "conversation.update": { allow: team, refuse: "not_found" },
  "conversation.typing": { allow: { ...team, visitor: "own" } },
  "conversation.mark_read": { allow: { ...team, visitor: "own" } },
  /** Satisfaction (CONTRACT §10): only the visitor rates its conversation. */
  "conversation.rate": { allow: { visitor: "own" }, refuse: "not_found" },
  /**
   * The transcript by email (CONTRACT §9): to the contact's address, by the team or by the visitor
   * of its own conversation (rate limited: docs/email.md).
   */
  "conversation.transcript": { allow: { ...team, visitor: "own" } },
  /** The visitor's context (CONTRACT §8): only a widget reports the page its visitor is on. */
  "visitor.page": { allow: { visitor: true } },
  "message.create": { allow: { ...team, visitor: "own" } },
  "message.stream": { allow: team, refuse: "not_found" },
  "contact.read": { allow: { ...team, visitor: "own" } },
  /** Search (CONTRACT §7): conversations and contacts by their words, within the caller's site. */
  "conversation.search": { allow: team },
  "contact.list": { allow: team },
  "contact.update": { allow: team, refuse: "not_found" },
  "contact.erase": { allow: siteManagers },
  "file.upload": { allow: { ...team, visitor: true } },
  "site.read": { allow: team },
  "site.create": { allow: managers },
  "site.update": { allow: siteManagers },
  "token.read": { allow: siteManagers },
  "token.write": { allow: siteManagers },
  /** A token of every site (siteId null) can make owners: minting one takes as much. */
  "token.admin.write": { allow: { "admin-token": true, owner: true } },
  "webhook.read": { allow: siteManagers },
  "webhook.write": { allow: siteManagers },
  "agent.read": { allow: team },
  "agent.create": { allow: managers },
  /** An agent's name, password, away flag and email notifications: its own, or anyone's by a manager. */
  "agent.update": { allow: { ...managers, agent: "self" } },
  /** An agent's role and whether it is active. */
  "agent.manage": { allow: managers },
  /** Granting or taking away `owner`, or changing an owner: owners and admin tokens only. */
  "agent.owner.manage": { allow: { "admin-token": true, owner: true } },
  /** Saved replies (CONTRACT §7): team ones, and the caller's own personal ones. */
  "canned.read": { allow: team },
  /** Any saved-reply write; what the reply is decides further (team or personal, below). */
  "canned.write": { allow: { ...siteManagers, agent: "self" } },
  /** Private notes (CONTRACT §7): the team's only; a visitor never learns they exist. */
  "note.read": { allow: team, refuse: "not_found" },
  "note.create": { allow: team, refuse: "not_found" },
  /** Team-scope saved replies (CONTRACT §7). */
  "canned.team.write": { allow: siteManagers },
  /** Personal saved replies: agents only, each on its own (a token has no person to belong to). */
  "canned.personal.write": { allow: { owner: true, admin: true, agent: true } },
  /** A reply by email that a mail provider forwards as raw MIME (docs/email.md): API tokens only. */
  "email.inbound": { allow: { "admin-token": true, "site-token": true }, refuse: "not_found" },
  /**
   * Reports (CONTRACT §10): the team's figures. An agent sees the totals and only its own row
   * among the agents (reports/summary.ts); a site token only its site.
   */
  "report.read": { allow: team },
  /** The inbox's own session and live socket. */
  "inbox.session": { allow: { owner: true, admin: true, agent: true }, refuse: "unauthorized" },
} satisfies Record<string, Rule>;

export type Action = keyof typeof permissions;
export const actions = Object.keys(permissions) as Action[];

export function actorOf(p: Exclude<Principal, { kind: "system" }>): Actor {
  switch (p.kind) {
    case "token":
      return p.siteId === null ? "admin-token" : "site-token";
    case "agent":
      return p.role;
    case "visitor":
      return "visitor";
  }
}

/** The one site a caller is held to (site tokens, visitors), or null for every site. */
export function siteScopeOf(p: Principal): string | null {
  if (p.kind === "token" || p.kind === "visitor") return p.siteId;
  return null;
}

export type Decision = "allowed" | "forbidden" | "not_found" | "unauthorized";

/**
 * The table's answer. Without a resource it answers whether the caller may do this at all (a
 * conditional grant counts): what a route checks before it runs.
 */
export function decide(p: Principal, action: Action, resource?: Resource): Decision {
  if (p.kind === "system") return "allowed";
  const rule: Rule = permissions[action];
  const grant = rule.allow[actorOf(p)];
  if (!grant) return rule.refuse ?? "forbidden";
  if (!resource) return "allowed";
  const scope = siteScopeOf(p);
  if (scope !== null && resource.siteId !== undefined && resource.siteId !== scope) return "not_found";
  if (grant === "own" && p.kind === "visitor") {
    const own =
      (resource.visitorId != null && resource.visitorId === p.visitorId) ||
      (p.contactId !== null && resource.contactId === p.contactId);
    if (!own) return "not_found";
  }
  if (grant === "self" && !(p.kind === "agent" && resource.agentId === p.agentId)) return "forbidden";
  return "allowed";
}

export function can(p: Principal, action: Action, resource?: Resource): boolean {
  return decide(p, action, resource) === "allowed";
}

/** Throws the table's refusal: 403, 401, or 404 naming `what` (so that nothing leaks). */
export function authorize(p: Principal, action: Action, resource?: Resource, what = "Object"): void {
  const decision = decide(p, action, resource);
  if (decision === "allowed") return;
  if (decision === "not_found") throw notFound(what);
  if (decision === "unauthorized") throw new ParleyError("unauthorized", "Sign in to the inbox first");
  throw new ParleyError("forbidden", `Not allowed: ${action} needs ${allowedActors(action).join(", ")}`);
}

/** Who the table lets do `action` (for messages and the API reference). */
export function allowedActors(action: Action): Actor[] {
  const rule: Rule = permissions[action];
  return actors.filter((a) => rule.allow[a]);
}

/** Whether some signed-in caller can be refused `action` with 403 (the API reference lists the answer). */
export function mayForbid(action: Action): boolean {
  const rule: Rule = permissions[action];
  return (rule.refuse ?? "forbidden") === "forbidden" && actors.some((a) => a !== "visitor" && rule.allow[a] !== true);
}
