import { afterEach, describe, expect, it, vi } from "vitest";
import type { Connection } from "./connection.ts";
import { createTyping } from "./typing.ts";

/** A connection that is online and records what is sent; `emit` plays a relay event. */
function fakeLink() {
  const sent: unknown[] = [];
  const listeners = new Map<string, (e: never) => void>();
  const link = {
    online: () => true,
    call: (event: string, payload: unknown) => {
      sent.push([event, payload]);
      return Promise.resolve({ ok: true });
    },
    on: (event: string, listener: (e: never) => void) => void listeners.set(event, listener),
  };
  const emit = (event: string, e: unknown) => listeners.get(event)!(e as never);
  return { link: link as unknown as Connection, sent, emit };
}

afterEach(() => vi.useRealTimers());

describe("typing, both ways", () => {
  it("tells the relay when the visitor starts and stops, repeating 'still typing' at most every 3 s", () => {
    vi.useFakeTimers();
    const { link, sent } = fakeLink();
    const typing = createTyping(link, () => "conv_1");
    typing.set(true);
    typing.set(true);
    vi.advanceTimersByTime(3_100);
    typing.set(true);
    typing.set(false);
    typing.set(false);
    expect(sent).toEqual([
      ["typing", { conversationId: "conv_1", typing: true }],
      ["typing", { conversationId: "conv_1", typing: true }],
      ["typing", { conversationId: "conv_1", typing: false }],
    ]);
  });

  it("sends nothing before there is a conversation", () => {
    const { link, sent } = fakeLink();
    createTyping(link, () => null).set(true);
    expect(sent).toEqual([]);
  });

  it("shows who types in the followed conversation until they stop or 5 s pass", () => {
    vi.useFakeTimers();
    const { link, emit } = fakeLink();
    const typing = createTyping(link, () => "conv_1");
    emit("typing", { conversationId: "conv_2", typing: true, name: "Bo" });
    expect(typing.agentTyping.value).toBeNull();
    emit("typing", { conversationId: "conv_1", typing: true, name: "Maja" });
    expect(typing.agentTyping.value).toBe("Maja");
    emit("typing", { conversationId: "conv_1", typing: false, name: "Maja" });
    expect(typing.agentTyping.value).toBeNull();
    emit("typing", { conversationId: "conv_1", typing: true, name: null });
    expect(typing.agentTyping.value).toBe("");
    vi.advanceTimersByTime(5_000);
    expect(typing.agentTyping.value).toBeNull();
  });
});
