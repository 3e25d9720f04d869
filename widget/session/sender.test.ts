import { describe, expect, it, vi } from "vitest";
import type { Connection } from "./connection.ts";
import { createSender, Outbox, unsentState } from "./outbox.ts";
import { memoryStorage } from "../../test/helpers/memory-storage.ts";
import { siteStorage } from "./storage.ts";
import { createSync } from "./sync.ts";
import { createTyping } from "./typing.ts";

/** A connection that stays online; `answers` plays the relay's acknowledgements of `send` in turn. */
function fakeLink(answers: (() => Promise<unknown>)[]) {
  const sent: string[] = [];
  let later: (() => void) | undefined;
  const link = {
    online: () => true,
    call: (event: string, payload: { clientId: string }) => {
      if (event !== "send") return Promise.resolve({ ok: false, error: { code: "not_found" } });
      sent.push(payload.clientId);
      return answers.shift()!();
    },
    on: () => {},
    retryLater: (fn: () => void) => void (later = fn),
  };
  return { link: link as unknown as Connection, sent, scheduled: () => !!later, runLater: () => later!() };
}

const conversation = { id: "conv_1", status: "open", lastSeq: 1, readUpTo: { contact: 0, agent: 0 }, rating: null };

describe("the sender", () => {
  it("sends again, with the same client id, a message whose acknowledgement never came while still online", async () => {
    const stored = (clientId: string) => ({
      ok: true,
      conversation,
      message: {
        id: "msg_1",
        conversationId: "conv_1",
        seq: 1,
        sender: { type: "contact", id: null, name: null },
        type: "text",
        content: { text: "hi" },
        state: "complete",
        createdAt: "2026-12-01T00:00:00.000Z",
        clientId,
      },
    });
    let clientId = "";
    const { link, sent, scheduled, runLater } = fakeLink([
      // The relay was too slow: socket.io's acknowledgement timeout rejects.
      () => Promise.reject(new Error("operation has timed out")),
      () => Promise.resolve(stored(clientId)),
    ]);
    const storage = siteStorage(memoryStorage(), "pk_a");
    const outbox = new Outbox(storage);
    const unsent = unsentState(outbox);
    const sync = createSync(
      link,
      storage,
      createTyping(link, () => null),
      unsent,
    );
    const sender = createSender(link, sync, outbox, unsent, "pk_a");

    sender.send({ type: "text", content: { text: "hi" } });
    clientId = outbox.items()[0]!.clientId;
    // No reconnect comes (the connection is fine): the sender schedules another try by itself.
    await vi.waitFor(() => expect(scheduled()).toBe(true));
    expect(outbox.items()).toHaveLength(1);
    runLater();
    await vi.waitFor(() => expect(outbox.items()).toEqual([]));
    expect(sent).toEqual([clientId, clientId]);
    expect(outbox.items()).toEqual([]);
    expect(sync.stored.value.map((m) => m.id)).toEqual(["msg_1"]);
  });
});
