import { afterAll, beforeAll, expect, it } from "vitest";
import { createSession } from "../../widget/session/index.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { NodeWebSocket } from "../helpers/node-websocket.ts";
import { memoryStorage } from "../helpers/memory-storage.ts";
import { until } from "./realtime-helpers.ts";

const SEND_LIMIT = 3;
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ db: "sqlite", env: { PARLEY_SEND_LIMIT: String(SEND_LIMIT) } });
});
afterAll(() => server?.close());

/**
 * The widget's session against a relay that limits sends: the visitor is told to slow down
 * (the panel shows `slowDown` while `throttled`), nothing typed is lost, and the notice goes
 * once the held messages went through.
 */
it("tells the visitor to slow down when its sends are rate limited, then delivers every message once", async () => {
  const s = createSession({
    baseUrl: server.url,
    siteKey: server.siteKey,
    storage: memoryStorage(),
    WebSocket: NodeWebSocket,
  });
  try {
    s.connect();
    const texts = Array.from({ length: SEND_LIMIT * 2 }, (_, i) => `quick ${i + 1}`);
    for (const t of texts) s.send({ type: "text", content: { text: t } });
    await until(() => s.throttled?.value === true);
    expect(s.messages.value.filter((m) => m.delivery === "sent")).toHaveLength(SEND_LIMIT);
    await until(() => s.messages.value.every((m) => m.delivery === "sent") && s.throttled?.value === false);
    const stored = await server.api("GET", `/v1/conversations/${s.conversationId.value}/messages`);
    const bySeq = [...stored.body.items].sort((a: any, b: any) => a.seq - b.seq);
    expect(bySeq.map((m: any) => m.content.text)).toEqual(texts);
  } finally {
    s.shutdown();
  }
}, 60_000);
