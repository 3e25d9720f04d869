/**
 * npm run bench:cluster [-- --visitors=200] [--messages=10]
 * (PostgreSQL and Redis: PARLEY_TEST_PG_URL and PARLEY_TEST_REDIS_URL, as for the test suite)
 *
 * Two real Parley node processes on one PostgreSQL database, joined by Redis, as a deployment
 * runs them. Visitors (real socket.io clients, in a load process of their own) are connected to
 * node A; the agent side (an inbox socket, REST posts) uses node B for the cross-node rows and
 * node A for the single-node rows, under the same load in the same run:
 * - visitor send on A → the agent's inbox socket receives it (on B, or on A);
 * - agent REST post (to B, or to A) → the visitor's widget on A receives it.
 */
import os from "node:os";
import { startNodes } from "../../test/helpers/nodes.ts";
import { services } from "../../test/helpers/services.ts";
import { signedIn } from "../../test/helpers/agents.ts";
import { fmt, summarise, table, type Measured } from "../api/stats.ts";
import { load } from "../relay/load-process.ts";

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, "").split("=");
    return [k!, v ?? "true"];
  }),
);
const visitors = Number(args.visitors ?? 200);
const messages = Number(args.messages ?? 10);

if (!services.postgresUrl || !services.redisUrl) {
  console.log("bench:cluster needs PostgreSQL and Redis (PARLEY_TEST_PG_URL, PARLEY_TEST_REDIS_URL): skipped");
  process.exit(0);
}

const cluster = await startNodes(2, { env: { PARLEY_RATE_LIMIT: "100000000" } });
const [a, b] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
try {
  console.log(
    `Two nodes through Redis and PostgreSQL; ${visitors} visitors on node A × ${messages} messages each; ` +
      `${os.cpus().length} cores`,
  );
  const run = async (scenario: "inbox" | "rest", agentNode: typeof a): Promise<Measured> => {
    const agent = await signedIn(agentNode, "admin@localhost", agentNode.adminPassword);
    return load({
      url: a.url,
      agentUrl: agentNode.url,
      siteKey: a.siteKey,
      visitors,
      messages,
      scenario,
      cookie: agent.headers.cookie,
      token: cluster.token,
    });
  };
  // Alternately, so that a slow spell of a shared machine does not land on one side only.
  const inboxOne = await run("inbox", a);
  const inboxCross = await run("inbox", b);
  const restOne = await run("rest", a);
  const restCross = await run("rest", b);
  const row = (name: string, m: Measured, one?: Measured) => {
    const s = summarise(m);
    const ratio = one ? `${fmt(s.p99 / summarise(one).p99, 2)}×` : "1.00×";
    return [name, fmt(s.perSecond, 0), fmt(s.p50), fmt(s.p99), ratio, String(s.errors)];
  };
  console.log(
    "\n" +
      table(
        ["delivery", "msgs/s", "p50 ms", "p99 ms", "p99 of one node's", "errors"],
        [
          row("visitor send → agent inbox, one node (A → A)", inboxOne),
          row("visitor send → agent inbox, across nodes (A → B)", inboxCross, inboxOne),
          row("agent REST post → widget, one node (A → A)", restOne),
          row("agent REST post → widget, across nodes (B → A)", restCross, restOne),
        ],
      ),
  );
} finally {
  await cluster.close();
}
