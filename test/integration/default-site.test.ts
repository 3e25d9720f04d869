import { describe, expect, it } from "vitest";
import { freshDatabaseUrl, startTestServer } from "../helpers/server.ts";
import { databases } from "../helpers/services.ts";

/**
 * The default site across restarts on one database: PARLEY_ALLOWED_ORIGINS and PARLEY_SITE_KEY
 * apply at every start; a start without the origins variable undoes what it had set (unset means
 * any origin), but never origins an admin set through the API.
 */
describe.each(databases())("default site across restarts ($name)", ({ name, available }) => {
  it.skipIf(!available)(
    "follows PARLEY_ALLOWED_ORIGINS while it is set, and keeps origins set through the API",
    async () => {
      const db = await freshDatabaseUrl(name);
      const originsAfterStart = async (
        env: Record<string, string>,
        then?: (s: Awaited<ReturnType<typeof startTestServer>>) => Promise<void>,
      ) => {
        const server = await startTestServer({ databaseUrl: db.url, env });
        try {
          const site = (await server.api("GET", "/v1/sites")).body.items[0];
          const config = await fetch(`${server.url}/v1/widget/config?siteKey=${server.siteKey}`, {
            headers: { origin: "https://elsewhere.example" },
          });
          await then?.(server);
          return { origins: site.allowedOrigins as string[], elsewhere: config.status, siteKey: server.siteKey };
        } finally {
          await server.close();
        }
      };
      try {
        const pinned = await originsAfterStart({
          PARLEY_ALLOWED_ORIGINS: "https://shop.example, https://www.shop.example/",
          PARLEY_SITE_KEY: "pk_restart_test",
        });
        expect(pinned).toEqual({
          origins: ["https://shop.example", "https://www.shop.example"],
          elsewhere: 403,
          siteKey: "pk_restart_test",
        });

        const unset = await originsAfterStart({}, async (server) => {
          const site = (await server.api("GET", "/v1/sites")).body.items[0];
          const patched = await server.api("PATCH", `/v1/sites/${site.id}`, {
            allowedOrigins: ["https://admin.example"],
          });
          expect(patched.status).toBe(200);
        });
        expect(unset).toEqual({ origins: [], elsewhere: 200, siteKey: "pk_restart_test" });

        const kept = await originsAfterStart({});
        expect(kept.origins).toEqual(["https://admin.example"]);
        expect(kept.elsewhere).toBe(403);

        const pinnedAgain = await originsAfterStart({ PARLEY_ALLOWED_ORIGINS: "https://elsewhere.example" });
        expect(pinnedAgain.origins).toEqual(["https://elsewhere.example"]);
        expect(pinnedAgain.elsewhere).toBe(200);
      } finally {
        await db.drop();
      }
    },
  );
});
