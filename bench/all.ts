/**
 * npm run bench — every benchmark, one after another, each printing its tables; then how long
 * each took. PostgreSQL rows run when PARLEY_BENCH_PG_URL or PARLEY_TEST_PG_URL names a database;
 * bench:cluster also needs PARLEY_TEST_REDIS_URL. bench:widget needs `npm run build` first.
 * Sized to finish within 15 minutes on a 2-core machine; each benchmark alone takes options for
 * bigger runs (see BENCHMARKS.md). A failing benchmark is reported and the others still run.
 */
import { spawn } from "node:child_process";

const postgres = !!(process.env.PARLEY_BENCH_PG_URL || process.env.PARLEY_TEST_PG_URL);
if (!process.env.PARLEY_TEST_PG_URL && process.env.PARLEY_BENCH_PG_URL)
  process.env.PARLEY_TEST_PG_URL = process.env.PARLEY_BENCH_PG_URL;

/** npm script, its arguments and environment, in the order they run. */
const benches: [string, string[], Record<string, string>?][] = [
  ["bench:api", []],
  ...(postgres ? ([["bench:api", ["--postgres"]]] as [string, string[]][]) : []),
  // 1,000 messages per row (2,000 alone): the lag percentiles hold, in half the time.
  ["bench:webhooks", [], { BENCH_MESSAGES: process.env.BENCH_MESSAGES ?? "1000" }],
  ["bench:widget", []],
  // 100,000 messages keep the whole run within its budget; issue 10's size is --messages=1000000.
  // 1,500 writes per side (3,000 alone): PostgreSQL's write rounds were a minute of it.
  ["bench:search", ["--messages=100000", "--writes=1500", ...(postgres ? [] : ["--no-postgres"])]],
  ["bench:relay", []],
  ...(postgres ? ([["bench:relay", ["--postgres", "--idle=1000"]]] as [string, string[]][]) : []),
  ["bench:cluster", []],
  // 30,000 conversations (issue 13's size, 100,000, alone): the summary's p99 is measured alike,
  // over a third of the rows, in a third of the time.
  ["bench:reports", ["--conversations=30000", ...(postgres ? [] : ["--no-postgres"])]],
];

const run = (script: string, args: string[], env: Record<string, string> = {}) =>
  new Promise<number>((resolve) => {
    const child = spawn("npm", ["run", "--silent", script, ...(args.length ? ["--", ...args] : [])], {
      stdio: "inherit",
      env: { ...process.env, ...env },
    });
    child.once("exit", (code) => resolve(code ?? 1));
  });

const took: string[] = [];
let failed = 0;
const started = Date.now();
for (const [script, args, env] of benches) {
  const name = [script, ...args].join(" ");
  console.log(`\n## ${name}\n`);
  const t0 = Date.now();
  const code = await run(script, args, env);
  if (code !== 0) failed++;
  took.push(`${name}: ${((Date.now() - t0) / 1000).toFixed(0)} s${code === 0 ? "" : ` (failed, exit ${code})`}`);
}
console.log(`\n## Time\n\n${took.join("\n")}\nin all: ${((Date.now() - started) / 60_000).toFixed(1)} min`);
process.exit(failed ? 1 : 0);
