#!/usr/bin/env node
// npm test: probes PostgreSQL, Redis and Chromium, builds the front end, then runs every vitest
// project. In CI (CI=true) a missing service is a failure; elsewhere its suites are skipped and
// this script says so loudly.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";

const ci = process.env.CI === "true" || process.env.CI === "1";
const pgUrl = process.env.PARLEY_TEST_PG_URL || "postgres://root@127.0.0.1:5432/test";
const redisUrl = process.env.PARLEY_TEST_REDIS_URL || "redis://127.0.0.1:6379";
const chromiumPath = process.env.PARLEY_TEST_CHROMIUM || "/usr/bin/chromium";

function reachable(url) {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = net.connect({ host: hostname, port: Number(port) }, () => {
      socket.end();
      resolve(true);
    });
    socket.setTimeout(1500, () => {
      socket.destroy();
      resolve(false);
    });
    socket.on("error", () => resolve(false));
  });
}

const found = {
  PostgreSQL: await reachable(pgUrl),
  Redis: await reachable(redisUrl),
  Chromium: fs.existsSync(chromiumPath),
};
const missing = Object.entries(found)
  .filter(([, ok]) => !ok)
  .map(([name]) => name);
if (missing.length) {
  const banner = "!".repeat(78);
  console.error(
    `\n${banner}\n!! ${missing.join(", ")} not available: the suites that need ${missing.length > 1 ? "them" : "it"} ${ci ? "cannot run" : "are SKIPPED"}.\n${banner}\n`,
  );
  if (ci) {
    console.error("CI=true: a missing service is a failure.");
    process.exit(1);
  }
}

const env = { ...process.env };
if (found.PostgreSQL) env.PARLEY_TEST_PG_URL = pgUrl;
else delete env.PARLEY_TEST_PG_URL;
if (found.Redis) env.PARLEY_TEST_REDIS_URL = redisUrl;
else delete env.PARLEY_TEST_REDIS_URL;
if (found.Chromium) env.PARLEY_TEST_CHROMIUM = chromiumPath;
else delete env.PARLEY_TEST_CHROMIUM;

const run = (cmd, args) => spawnSync(cmd, args, { stdio: "inherit", env }).status ?? 1;
if (run("npm", ["run", "--silent", "lint"]) !== 0) process.exit(1);
if (run("npm", ["run", "--silent", "typecheck"]) !== 0) process.exit(1);
if (run("npm", ["run", "--silent", "build"]) !== 0) process.exit(1);
const resultsFile = "test-results/vitest.json";
fs.rmSync(resultsFile, { force: true });
const status = run("npx", [
  "vitest",
  "run",
  "--reporter=default",
  "--reporter=json",
  `--outputFile.json=${resultsFile}`,
  ...process.argv.slice(2),
]);
if (missing.length) console.error(`\n!! Reminder: suites needing ${missing.join(", ")} were skipped.\n`);
// One plain closing line that any CI reader understands, counted from vitest's own report.
if (fs.existsSync(resultsFile)) {
  const r = JSON.parse(fs.readFileSync(resultsFile, "utf8"));
  const skipped = r.numPendingTests + r.numTodoTests;
  // A suite that failed outside its tests (a hook, an import, an unhandled error) fails the run
  // without failing a test: it still counts as a failure here.
  const failed = status !== 0 && r.numFailedTests === 0 ? 1 : r.numFailedTests;
  console.log(`\ntests: ${r.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
}
process.exit(status);
