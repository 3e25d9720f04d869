import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientId, connectVisitor, text, topologies, type Deployment, type Visitor } from "./realtime-helpers.ts";

/**
 * docs/protocol.md guarantee 5 across nodes: a visitor with a tab on each node (two node
 * processes on one PostgreSQL database with Redis between them, or both tabs on one SQLite node)
 * whose tabs send their first message at the same moment gets one conversation holding both
 * messages, never two.
 */
for (const topology of topologies) {
  describe.skipIf(!topology.available)(`a visitor's first messages from two tabs at once, ${topology.name}`, () => {
    let deployment: Deployment;
    const tabs: Visitor[] = [];
    beforeAll(async () => {
      deployment = await topology.start();
    });
    afterAll(async () => {
      for (const tab of tabs) tab.close();
      await deployment?.close();
    });

    it("start one conversation per visitor that both tabs see, with 30 visitors at once", async () => {
      const { visitorNode: a, restNode: b } = deployment;
      const visitors = await Promise.all(
        Array.from({ length: 30 }, async () => {
          const onA = await connectVisitor(a.url, { siteKey: a.siteKey });
          const onB = await connectVisitor(b.url, { siteKey: b.siteKey, visitorToken: onA.welcome.visitorToken });
          tabs.push(onA, onB);
          expect(onB.welcome.visitorId).toBe(onA.welcome.visitorId);
          return { onA, onB };
        }),
      );

      // Every tab of every visitor sends its first message at once.
      const acks = await Promise.all(
        visitors.map(async ({ onA, onB }, i) => {
          const [fromA, fromB] = await Promise.all([
            onA.call("send", { clientId: clientId(), message: text(`visitor ${i} on A`) }),
            onB.call("send", { clientId: clientId(), message: text(`visitor ${i} on B`) }),
          ]);
          return { onA, onB, fromA, fromB };
        }),
      );

      const twoStarted = acks.filter(({ fromA, fromB }) => fromA.conversation?.id !== fromB.conversation?.id).length;
      expect(twoStarted, "visitors whose tabs started two conversations").toBe(0);
      for (const { onA, onB, fromA, fromB } of acks) {
        expect(fromA.ok && fromB.ok).toBe(true);
        const both = [fromA.message.clientId, fromB.message.clientId].sort();
        for (const tab of [onA, onB]) {
          const page = await tab.call("resync", { conversationId: fromA.conversation.id, afterSeq: 0 });
          expect(page.messages.map((m: any) => m.clientId).sort()).toEqual(both);
        }
      }

      // One open conversation per visitor, each with its own contact: nothing else was started.
      const open = await b.api("GET", "/v1/conversations?status=open&channel=widget&limit=100");
      expect(open.body.items.map((c: any) => c.id).sort()).toEqual(acks.map((x) => x.fromA.conversation.id).sort());
      expect(new Set(open.body.items.map((c: any) => c.contact?.id)).size).toBe(30);
    });
  });
}
