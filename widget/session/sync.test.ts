import { describe, expect, it } from "vitest";
import type { Connection } from "./connection.ts";
import { Outbox, unsentState } from "./outbox.ts";
import { siteStorage } from "./storage.ts";
import { createSync } from "./sync.ts";
import { createTyping } from "./typing.ts";

const message = (seq: number, sender: "contact" | "agent") => ({
  id: `msg_${seq}`,
  conversationId: "conv_1",
  seq,
  sender: { type: sender, id: null, name: null },
  type: "text",
  content: { text: `text ${seq}` },
  state: "complete",
  createdAt: "2026-12-01T00:00:00.000Z",
  clientId: sender === "contact" ? `c${seq}` : null,
});
const conversation = (lastSeq: number) => ({
  id: "conv_1",
  status: "open",
  lastSeq,
  readUpTo: { contact: 0, agent: 0 },
  rating: null,
});

/** A connection that stays online: `emit` plays a relay event; resync answers from `history` (as it is then). */
function fakeLink(history: ReturnType<typeof message>[]) {
  const listeners = new Map<string, (e: unknown) => void>();
  const link = {
    online: () => true,
    call: (event: string, payload: { afterSeq: number }) =>
      Promise.resolve(
        event === "resync"
          ? {
              ok: true,
              messages: history.filter((m) => m.seq > payload.afterSeq),
              conversation: conversation(history.at(-1)!.seq),
              hasMore: false,
            }
          : { ok: false, error: { code: "not_found" } },
      ),
    on: (event: string, fn: (e: unknown) => void) => void listeners.set(event, fn),
  };
  return { link: link as unknown as Connection, emit: (event: string, e: unknown) => listeners.get(event)!(e) };
}

describe("the sync", () => {
  it("tells the page of agent messages in the conversation's order when a live event overtakes an earlier one", async () => {
    const all = [message(1, "contact"), message(2, "agent"), message(3, "agent"), message(4, "agent")];
    const history = all.slice(0, 1);
    const { link, emit } = fakeLink(history);
    const memory = new Map<string, string>([["parley:pk_a:conversation", "conv_1"]]);
    const storage = siteStorage(
      {
        getItem: (k: string) => memory.get(k) ?? null,
        setItem: (k: string, v: string) => void memory.set(k, v),
        removeItem: (k: string) => void memory.delete(k),
      } as Storage,
      "pk_a",
    );
    const unsent = unsentState(new Outbox(storage));
    const sync = createSync(
      link,
      storage,
      createTyping(link, () => null),
      unsent,
    );
    const told: string[] = [];
    sync.onMessage((m) => told.push(m.id));
    sync.caughtUp();
    await sync.resync();
    expect(told).toEqual([]); // the history held at start is not news

    // Seq 3 arrives live before seq 2 (lost between nodes): nothing is told until 2 is held.
    emit("message", { message: all[2], conversation: conversation(3) });
    expect(told).toEqual([]);
    // The resync that gap started finds seq 2.
    history.push(all[1]!, all[2]!);
    await sync.resync();
    expect(told).toEqual(["msg_2", "msg_3"]);
    emit("message", { message: all[3], conversation: conversation(4) });
    expect(told).toEqual(["msg_2", "msg_3", "msg_4"]);
    expect(sync.stored.value.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });
});
