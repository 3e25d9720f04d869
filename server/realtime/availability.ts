import type { Server } from "socket.io";
import { agentNamespace } from "../../shared/inbox.ts";
import { visitorNamespace } from "../../shared/protocol.ts";
import { agentRow } from "../domain/agents.ts";
import { agentWithAvailability, liveSiteConfig, siteAvailability } from "../domain/availability.ts";
import type { SiteRow } from "../store/tables.ts";
import type { RealtimeDeps } from "./index.ts";
import { siteVisitorsRoom } from "./visitor-socket.ts";

/** setTimeout's longest delay; a later boundary is looked at again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Tells everyone who is there (CONTRACT §8). An agent going online or offline (presence), or
 * changing (away, active, queues), reaches every inbox as `agent.updated`; the sites' public
 * config (`available`) then reaches their widgets as `site`, through the adapter so that every
 * node's widgets hear it. Business hours open and close on a timer per site, on every node:
 * each node tells its own widgets then.
 */
export function attachAvailability(io: Server, deps: RealtimeDeps): () => void {
  const { ctx, log } = deps;
  const agents = io.of(agentNamespace);
  const visitors = io.of(visitorNamespace);
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  let closed = false;

  const tellVisitors = async (site: SiteRow, localOnly: boolean) => {
    const config = await liveSiteConfig(ctx, site);
    (localOnly ? visitors.local : visitors).to(siteVisitorsRoom(site.id)).emit("site", { site: config });
  };

  /** Schedules this site's next business-hours boundary, when it tells its widgets here. */
  const schedule = async (site: SiteRow) => {
    clearTimeout(timers.get(site.id));
    timers.delete(site.id);
    const { nextChange } = await siteAvailability(ctx, site);
    if (!nextChange || closed) return;
    // On the server's clock (ctx.now), as the boundary was computed.
    const wait = Math.min(Math.max(0, nextChange.getTime() - Date.parse(ctx.now())) + 50, MAX_TIMER_MS);
    const timer = setTimeout(() => {
      void (async () => {
        const fresh = await ctx.db.selectFrom("sites").selectAll().where("id", "=", site.id).executeTakeFirst();
        if (!fresh || closed) return;
        await tellVisitors(fresh, true);
        await schedule(fresh);
      })().catch((err) => log.error({ err, siteId: site.id }, "business hours boundary not announced"));
    }, wait);
    timer.unref?.();
    timers.set(site.id, timer);
  };

  const everySite = async (fn: (site: SiteRow) => Promise<void>) => {
    for (const site of await ctx.db.selectFrom("sites").selectAll().execute()) await fn(site);
  };

  let chain: Promise<void> = Promise.resolve();
  const queue = (what: string, fn: () => Promise<void>) => {
    chain = chain.then(fn).catch((err) => log.error({ err }, what));
  };

  const agentChanged = (agentId: string) =>
    queue("agent availability not announced", async () => {
      const agent = await agentWithAvailability(ctx, await agentRow(ctx, agentId));
      agents.emit("agent.updated", { agent });
      await everySite((site) => tellVisitors(site, false));
    });

  deps.presence?.onChange((change) => agentChanged(change.agentId));
  const unsubscribe = ctx.bus.subscribe((event) => {
    if (event.type === "agent.updated") agentChanged(event.agentId);
    if (event.type === "site.created" || event.type === "site.updated") {
      const siteId = event.siteId;
      queue("site availability not announced", async () => {
        const site = await ctx.db.selectFrom("sites").selectAll().where("id", "=", siteId).executeTakeFirst();
        if (!site) return;
        await tellVisitors(site, false);
        await schedule(site);
      });
    }
  });
  queue("business hours not scheduled", () => everySite(schedule));

  return () => {
    closed = true;
    unsubscribe();
    for (const t of timers.values()) clearTimeout(t);
    timers.clear();
  };
}
