import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { databases } from "../helpers/services.ts";
import { clientId, connectVisitor, text, type Visitor } from "./realtime-helpers.ts";

/**
 * A visitor's first message while an admin erases its contact: the send holds the visitor and
 * needs the contact, the erasure holds the contact and deletes the visitor. Whichever goes first,
 * the other gets a clean answer (stored then erased, refused, or the socket told it was erased
 * and cut before it answered), never an internal error.
 */
describe.each(databases())("first message racing the contact's erasure ($name)", ({ name, available }) => {
  let server: TestServer;
  const tabs: Visitor[] = [];
  beforeAll(async () => {
    if (available) server = await startTestServer({ db: name });
  });
  afterAll(async () => {
    for (const tab of tabs) tab.close();
    await server?.close();
  });

  it.skipIf(!available)("never fails with an internal error", async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const tab = await connectVisitor(server.url, { siteKey: server.siteKey });
        tabs.push(tab);
        const identified = await tab.call("identify", { name: `Visitor ${i}` });
        const contactId = identified.contactId ?? (await tab.call("identify", { name: `Visitor ${i}` })).contactId;
        expect(contactId).toBeTruthy();
        const [sent, erased] = await Promise.all([
          // Erased first: the relay tells the socket and cuts it, so its acknowledgement never comes.
          tab
            .call("send", { clientId: clientId(), message: text("hello") })
            .catch((err: Error) => ({ ok: false, error: { code: tab.events("erased").length ? "cut" : err.message } })),
          server.api("DELETE", `/v1/contacts/${contactId}`),
        ]);
        return { sent: sent.ok ? "ok" : sent.error.code, erased: erased.status };
      }),
    );
    for (const o of outcomes) {
      expect(o.erased).toBe(204);
      expect(["ok", "unauthorized", "not_found", "conflict", "cut"]).toContain(o.sent);
    }
  });
});
