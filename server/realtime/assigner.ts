import type { DomainEvent } from "../events/bus.ts";
import { routeWaiting, sitesWithWaiting } from "../domain/assignment.ts";
import type { RealtimeDeps } from "./index.ts";

/** A look at every site's waiting conversations now and then, in case a trigger was missed (a node that died). */
const SWEEP_MS = 60_000;

/**
 * The assigner (CONTRACT §8): hands waiting conversations out when capacity appears — an agent
 * comes online (presence), stops being away or changes queues (`agent.updated`), a conversation
 * is solved, closed or reassigned, or the site's assignment rule changes. Every node runs one and
 * reacts to what happens on it; each run is the domain's transactional pick under the site lock,
 * so two nodes running at once assign nothing twice. Runs are serial per node and coalesced per
 * site; `idle()` resolves once none is queued (tests await it).
 */
export function attachAssigner(deps: RealtimeDeps): { close(): void; idle(): Promise<void> } {
  const { ctx, log } = deps;
  const pending = new Set<string>(); // site ids, or "*" for every site with waiting conversations
  let chain: Promise<void> = Promise.resolve();
  let closed = false;

  const run = (key: string) => {
    if (closed || pending.has(key)) return;
    pending.add(key);
    chain = chain
      .then(async () => {
        pending.delete(key);
        const sites = key === "*" ? await sitesWithWaiting(ctx) : [key];
        for (const siteId of sites) if (!closed) await routeWaiting(ctx, siteId);
      })
      .catch((err) => log.error({ err, key }, "waiting conversations not assigned"));
  };

  const onEvent = (event: DomainEvent) => {
    if (event.type === "agent.updated") run("*");
    else if (event.type === "site.updated") run(event.siteId);
    else if (event.type === "conversation.closed") run(event.siteId);
    else if (
      event.type === "conversation.updated" &&
      (event.changed.includes("status") || event.changed.includes("assignee"))
    )
      run(event.siteId);
  };
  const unsubscribe = ctx.bus.subscribe(onEvent);
  deps.presence?.onChange((change) => {
    if (change.connected) run("*");
  });
  const timer = setInterval(() => run("*"), SWEEP_MS);
  timer.unref?.();
  run("*");

  return {
    close() {
      closed = true;
      clearInterval(timer);
      unsubscribe();
    },
    idle: async () => {
      for (let last: Promise<void> | null = null; last !== chain;) await (last = chain);
    },
  };
}
