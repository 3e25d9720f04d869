import { afterEach, describe, expect, it, vi } from "vitest";
import type { Connection } from "./connection.ts";
import { Outbox, unsentState } from "./outbox.ts";
import { memoryStorage } from "../../test/helpers/memory-storage.ts";
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

/** A sync on `link`, following conv_1 (as a tab that held it before a reload), with what it told the page. */
function syncOn(link: Connection) {
  const memory = memoryStorage();
  memory.setItem("parley:pk_a:conversation", "conv_1");
  const storage = siteStorage(memory, "pk_a");
  const sync = createSync(
    link,
    storage,
    createTyping(link, () => null),
    unsentState(new Outbox(storage)),
  );
  const told: string[] = [];
  sync.onMessage((m) => told.push(m.id));
  return { sync, told };
}

type Answer = { resolve(ack: unknown): void; reject(err: Error): void; afterSeq: number };

/**
 * A connection whose resync requests wait for the test: `calls` holds them in the order made,
 * `answer(i)` answers one from `history` as it is then; `online` says whether the socket is welcomed.
 */
function heldLink(history: ReturnType<typeof message>[]) {
  const listeners = new Map<string, (e: unknown) => void>();
  const calls: Answer[] = [];
  const state = { online: true };
  const link = {
    online: () => state.online,
    call: (event: string, payload: { afterSeq: number }) =>
      event === "resync"
        ? new Promise((resolve, reject) => calls.push({ resolve, reject, afterSeq: payload.afterSeq }))
        : Promise.resolve({ ok: false, error: { code: "not_found" } }),
    on: (event: string, fn: (e: unknown) => void) => void listeners.set(event, fn),
  };
  const answer = (i: number) =>
    calls[i]!.resolve({
      ok: true,
      messages: history.filter((m) => m.seq > calls[i]!.afterSeq),
      conversation: conversation(history.at(-1)!.seq),
      hasMore: false,
    });
  return {
    link: link as unknown as Connection,
    calls,
    state,
    answer,
    emit: (event: string, e: unknown) => listeners.get(event)!(e),
  };
}

/** Lets the promise callbacks queued so far run. */
const settle = () => new Promise<void>((r) => setImmediate(r));

describe("the sync", () => {
  it("tells the page of agent messages in the conversation's order when a live event overtakes an earlier one", async () => {
    const all = [message(1, "contact"), message(2, "agent"), message(3, "agent"), message(4, "agent")];
    const history = all.slice(0, 1);
    const { link, emit } = fakeLink(history);
    const { sync, told } = syncOn(link);
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

  afterEach(() => void vi.useRealTimers());

  it("fills the gap after a reconnect even when the resync in flight on the lost socket is never answered", async () => {
    const all = [message(1, "contact"), ...[2, 3, 4, 5].map((seq) => message(seq, "agent"))];
    const history = all.slice(0, 1);
    const { link, calls, answer, emit } = heldLink(history);
    const { sync, told } = syncOn(link);
    sync.caughtUp();
    answer(0);
    await settle();
    expect(sync.stored.value.map((m) => m.id)).toEqual(["msg_1"]);

    // The agent replies; seq 3 comes live after seq 2 was lost: the resync it starts goes out...
    history.push(...all.slice(1, 4));
    emit("message", { message: all[2], conversation: conversation(3) });
    expect(calls).toHaveLength(2);
    // ...and the socket is lost before the answer; a new one is welcomed (it hears the
    // conversation only once it resynced), and only then is the old request given up.
    sync.caughtUp();
    calls[1]!.reject(new Error("socket has been disconnected"));
    await settle();
    expect(calls).toHaveLength(3);
    expect(calls[2]!.afterSeq).toBe(1);
    history.push(all[4]!);
    answer(2);
    await settle();
    expect(sync.stored.value.map((m) => m.id)).toEqual(["msg_1", "msg_2", "msg_3", "msg_4", "msg_5"]);
    expect(told).toEqual(["msg_2", "msg_3", "msg_4", "msg_5"]);
    // A message heard twice (live, then again in a page) is told once.
    emit("message", { message: all[4], conversation: conversation(5) });
    expect(told).toEqual(["msg_2", "msg_3", "msg_4", "msg_5"]);
    expect(calls).toHaveLength(3);
  });

  it("asks again, 5–10 s later, when the relay did not answer a resync while the socket stayed up", async () => {
    vi.useFakeTimers();
    const all = [message(1, "contact"), message(2, "agent"), message(3, "agent")];
    const history = all.slice(0, 1);
    const { link, calls, answer, emit } = heldLink(history);
    const { sync, told } = syncOn(link);
    sync.caughtUp();
    answer(0);
    await vi.advanceTimersByTimeAsync(0);

    history.push(all[1]!, all[2]!);
    emit("message", { message: all[2], conversation: conversation(3) });
    calls[1]!.reject(new Error("operation has timed out"));
    await vi.advanceTimersByTimeAsync(4_999);
    expect(calls).toHaveLength(2);
    expect(told).toEqual([]); // seq 3 waits for seq 2
    await vi.advanceTimersByTimeAsync(5_001);
    expect(calls).toHaveLength(3);
    // A refusal a later try may not meet (the database briefly unavailable) is tried again too.
    calls[2]!.resolve({ ok: false, error: { code: "unavailable", message: "" } });
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toHaveLength(4);
    answer(3);
    await vi.advanceTimersByTimeAsync(0);
    expect(told).toEqual(["msg_2", "msg_3"]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(calls).toHaveLength(4);
  });
});
