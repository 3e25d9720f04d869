import { describe, expect, it } from "vitest";
import type { VisitorMessage } from "../../shared/protocol.ts";
import { applyDelta, contiguousSeq, mergeMessages, missingAfter, unreadCount, viewOf } from "../../shared/timeline.ts";

const msg = (seq: number, over: Partial<VisitorMessage> = {}): VisitorMessage => ({
  id: `msg_${seq}`,
  conversationId: "conv_1",
  seq,
  sender: { type: seq % 2 ? "contact" : "agent", id: null, name: null },
  type: "text",
  content: { text: `m${seq}` },
  state: "complete",
  createdAt: "2026-01-01T00:00:00.000Z",
  ...over,
});

describe("merging messages by seq", () => {
  it("keeps them in seq order whatever order they arrive in, once each", () => {
    let held = mergeMessages([], [msg(3), msg(1)]);
    held = mergeMessages(held, [msg(2), msg(3), msg(1)]);
    held = mergeMessages(held, [msg(2)]);
    expect(held.map((m) => m.seq)).toEqual([1, 2, 3]);
  });

  it("never lets a stale streaming copy replace a longer or completed one", () => {
    const streaming = msg(2, { state: "streaming", content: { text: "Hello wor" } });
    let held = mergeMessages([], [streaming]);
    held = mergeMessages(held, [msg(2, { state: "streaming", content: { text: "Hel" } })]);
    expect(held[0]!.content.text).toBe("Hello wor");
    held = mergeMessages(held, [msg(2, { content: { text: "Hello world" } })]);
    held = mergeMessages(held, [streaming]);
    expect(held[0]).toMatchObject({ state: "complete", content: { text: "Hello world" } });
  });

  it("keeps a client id learnt from the acknowledgement when a live copy lacks it", () => {
    const held = mergeMessages(mergeMessages([], [msg(1, { clientId: "c-12345678" })]), [msg(1, { clientId: null })]);
    expect(held[0]!.clientId).toBe("c-12345678");
  });

  it("resyncs from the last seq held without a gap", () => {
    expect(contiguousSeq([])).toBe(0);
    expect(contiguousSeq([msg(1), msg(2), msg(4)])).toBe(2);
    expect(contiguousSeq([msg(1), msg(2), msg(3)])).toBe(3);
  });

  it("finds what is missing below a known last seq, counting from the oldest page held", () => {
    expect(missingAfter([msg(1), msg(2)], 2)).toBeNull();
    expect(missingAfter([msg(1), msg(2), msg(5)], 5)).toBe(2);
    expect(missingAfter([msg(1), msg(2)], 4)).toBe(2);
    // The inbox holds the newest page only: seq 11–12 held, nothing below 11 is a gap.
    expect(missingAfter([msg(11), msg(12)], 12, 10)).toBeNull();
    expect(missingAfter([msg(11), msg(12), msg(14)], 14, 10)).toBe(12);
  });
});

describe("streamed deltas", () => {
  const streaming = () => [msg(2, { state: "streaming", content: { text: "Hel" } })];

  it("apply at their offset, and a repeated delta changes nothing", () => {
    const once = applyDelta(streaming(), { messageId: "msg_2", offset: 3, text: "lo" });
    expect(once).toMatchObject({ gap: false, messages: [{ content: { text: "Hello" } }] });
    const again = applyDelta(once.messages, { messageId: "msg_2", offset: 3, text: "lo" });
    expect(again.messages[0]!.content.text).toBe("Hello");
  });

  it("report a gap when text before the offset is missing or the message is unknown", () => {
    expect(applyDelta(streaming(), { messageId: "msg_2", offset: 5, text: "!" }).gap).toBe(true);
    expect(applyDelta(streaming(), { messageId: "msg_9", offset: 0, text: "x" }).gap).toBe(true);
  });

  it("leave a completed message alone", () => {
    const done = [msg(2, { content: { text: "Final" } })];
    expect(applyDelta(done, { messageId: "msg_2", offset: 5, text: "!!" })).toEqual({ messages: done, gap: false });
  });
});

describe("the view", () => {
  const item = (clientId: string) => ({
    clientId,
    message: { type: "text" as const, content: { text: clientId } },
    createdAt: "2026-01-01T00:00:01.000Z",
  });

  it("shows stored messages, then unsent ones that are not stored yet", () => {
    const view = viewOf(
      [msg(1, { clientId: "sent-0001" }), msg(2)],
      [item("sent-0001"), item("wait-0002")],
      [item("bad-00003")],
      1,
      "conv_1",
    );
    expect(view.map((v) => [v.key, v.delivery, v.seen])).toEqual([
      ["msg_1", "sent", true],
      ["msg_2", "sent", false],
      ["wait-0002", "sending", false],
      ["bad-00003", "failed", false],
    ]);
    expect(view[2]!.message).toMatchObject({ sender: { type: "contact" }, content: { text: "wait-0002" } });
  });

  it("counts agent messages after the visitor's read marker as unread", () => {
    expect(unreadCount([msg(1), msg(2), msg(3), msg(4)], 2)).toBe(1);
    expect(unreadCount([msg(1), msg(2), msg(3), msg(4)], 0)).toBe(2);
  });
});
