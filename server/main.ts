import { readConfig } from "./config.ts";
import { startParley } from "./parley.ts";

const config = readConfig();
const parley = await startParley(config).catch((err) => {
  console.error(`Parley could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

const lines = [
  "",
  `  Parley is running on ${parley.url}`,
  "",
  `  Demo page     ${parley.url}/`,
  `  Inbox         ${parley.url}/inbox`,
  `  API reference ${parley.url}/docs`,
  `  Site key      ${parley.boot.siteKey}`,
];
if (parley.boot.apiToken) lines.push(`  API token     ${parley.boot.apiToken}   (shown once: keep it)`);
if (parley.boot.ownerPassword)
  lines.push(`  Inbox sign-in admin@localhost / ${parley.boot.ownerPassword}   (shown once: keep it)`);
lines.push(
  "",
  `  Embed:  <script src="${parley.url}/widget.js" data-site="${parley.boot.siteKey}" async></script>`,
  "",
);
process.stdout.write(lines.join("\n") + "\n");

let stopping = false;
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    parley.log.info({ signal }, "draining");
    parley
      .close()
      .then(() => process.exit(0))
      .catch((err) => {
        parley.log.error({ err }, "shutdown failed");
        process.exit(1);
      });
  });
}
