import { afterEach, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { databases } from "../helpers/services.ts";
import { clientId, connectVisitor, text, type Visitor } from "./realtime-helpers.ts";
import { serverBehindPgProxy } from "../helpers/pg-proxy.ts";

/**
 * The database goes away under a running server: a REST call and a socket acknowledgement both
 * answer `unavailable` (the one error mapping), in the error envelope, without the error itself.
 * PostgreSQL is reached through a TCP proxy that the test cuts (a network outage); the SQLite
 * handle is closed under the server.
 */

for (const { name, available } of databases()) {
  describe.skipIf(!available)(`database outage, ${name}`, () => {
    const cleanup: (() => Promise<void> | void)[] = [];
    afterEach(async () => {
      for (const fn of cleanup.reverse()) await fn();
      cleanup.length = 0;
    });

    /** A running server, and the way to take its database away. */
    async function serverWithBreakableDatabase(): Promise<{ server: TestServer; breakDatabase(): Promise<void> }> {
      if (name === "sqlite") {
        const server = await startTestServer({ db: "sqlite" });
        cleanup.push(() => server.close().catch(() => {}));
        return { server, breakDatabase: () => server.parley.store.close() };
      }
      const { server, proxy } = await serverBehindPgProxy(cleanup);
      return { server, breakDatabase: proxy.cut };
    }

    const leaks = /ECONNREFUSED|terminated|destroyed|not open|\bat \S+:\d+|\.ts\b|Error:/;

    it("answers unavailable on REST and on a socket acknowledgement alike, without the error", async () => {
      const { server, breakDatabase } = await serverWithBreakableDatabase();
      const visitor: Visitor = await connectVisitor(server.url, { siteKey: server.siteKey });
      cleanup.push(() => visitor.close());
      const before = await server.api("GET", "/v1/conversations");
      expect(before.status).toBe(200);

      await breakDatabase();

      const rest = await fetch(`${server.url}/v1/conversations`, {
        headers: { authorization: `Bearer ${server.token}` },
      });
      const restText = await rest.text();
      expect(rest.status).toBe(503);
      expect(rest.headers.get("retry-after")).toBe("5");
      expect(JSON.parse(restText).error).toMatchObject({ code: "unavailable", details: [] });
      expect(restText).not.toMatch(leaks);

      const ack = await visitor.call("send", { clientId: clientId(), message: text("Anyone there?") });
      expect(ack).toEqual({ ok: false, error: JSON.parse(restText).error });
      expect(JSON.stringify(ack)).not.toMatch(leaks);
    });
  });
}
