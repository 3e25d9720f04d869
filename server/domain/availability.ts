/**
 * Who is there (CONTRACT §8): an agent's `availability` from its connected inboxes and its away
 * flag, and whether a site is *available* (within business hours and at least one agent online
 * who may see it). Which inboxes are connected is the realtime layer's (presence); the domain
 * reads it through `ctx.presence` and knows nothing of sockets.
 */
import type { Agent, Availability, BusinessHours, PublicSiteConfig } from "../../shared/schemas/index.ts";
import { publicSiteConfig } from "./sites.ts";
import { json, type Ctx } from "./context.ts";
import { can } from "./permissions.ts";
import { isOpen, nextChange } from "./business-hours.ts";
import { agentView } from "./views.ts";
import type { AgentRow, SiteRow } from "../store/tables.ts";

/** online: an inbox connected and not away; away: connected but set away; offline: no inbox (after the grace). */
export function availabilityOf(row: Pick<AgentRow, "away" | "active">, connected: boolean): Availability {
  if (!connected || Number(row.active) !== 1) return "offline";
  return Number(row.away) === 1 ? "away" : "online";
}

/** The agents among these with an inbox connected (none where this process runs without presence). */
export async function connectedAgents(ctx: Ctx, agentIds: string[]): Promise<Set<string>> {
  if (!ctx.presence || agentIds.length === 0) return new Set();
  return ctx.presence.connected(agentIds);
}

/** Rows → API objects with their availability, one presence look-up for all of them. */
export async function agentViews(ctx: Ctx, rows: AgentRow[]): Promise<Agent[]> {
  const connected = await connectedAgents(
    ctx,
    rows.map((r) => r.id),
  );
  return rows.map((r) => agentView(r, availabilityOf(r, connected.has(r.id))));
}

export async function agentWithAvailability(ctx: Ctx, row: AgentRow): Promise<Agent> {
  return (await agentViews(ctx, [row]))[0]!;
}

export function businessHoursOf(site: Pick<SiteRow, "business_hours">): BusinessHours | null {
  return json.parse<BusinessHours | null>(site.business_hours, null);
}

/** Whether at least one agent who may see the site is online (connected, active, not away). */
export async function anyoneOnline(ctx: Ctx, siteId: string): Promise<boolean> {
  const rows = await ctx.db.selectFrom("agents").selectAll().where("active", "=", 1).where("away", "=", 0).execute();
  const team = rows.filter((r) =>
    can({ kind: "agent", agentId: r.id, name: r.name, role: r.role as Agent["role"] }, "conversation.read", {
      siteId,
    }),
  );
  const connected = await connectedAgents(
    ctx,
    team.map((r) => r.id),
  );
  return connected.size > 0;
}

export interface SiteAvailability {
  available: boolean;
  /** When business hours next open or close (null: they never change); recompute then. */
  nextChange: Date | null;
}

/** CONTRACT §8: within business hours and at least one agent online who may see the site. */
export async function siteAvailability(ctx: Ctx, site: SiteRow, at = new Date(ctx.now())): Promise<SiteAvailability> {
  const hours = businessHoursOf(site);
  const open = isOpen(hours, at);
  return { available: open && (await anyoneOnline(ctx, site.id)), nextChange: nextChange(hours, at) };
}

/** What the widget reads about its site: the static part and whether the team is there now. */
export async function liveSiteConfig(ctx: Ctx, site: SiteRow): Promise<PublicSiteConfig> {
  return publicSiteConfig(site, (await siteAvailability(ctx, site)).available, !!ctx.mail);
}
