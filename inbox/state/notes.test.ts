import { describe, expect, it } from "vitest";
import type { Note } from "../../shared/schemas/index.ts";
import { mergeNotes, timeline } from "./notes.ts";
import { message } from "./fixtures.test-support.ts";

const note = (id: string, afterSeq: number, createdAt = `2026-01-01T11:00:0${afterSeq}.000Z`): Note => ({
  id,
  conversationId: "conv_a",
  author: { type: "agent", id: "ag_1", name: "Ann" },
  text: id,
  mentions: [],
  afterSeq,
  createdAt,
});

const shape = (entries: ReturnType<typeof timeline>) =>
  entries.map((e) => (e.kind === "message" ? `m${e.message.seq}` : e.note.id));

describe("notes in the timeline", () => {
  it("places each note right after the message whose seq is its afterSeq, in the order written", () => {
    const messages = [1, 2, 3].map((s) => message(s));
    const notes = [note("n2", 2), note("n0", 0), note("n3", 3), note("n2b", 2, "2026-01-01T12:00:00.000Z")];
    expect(shape(timeline(messages, mergeNotes([], notes), true))).toEqual(["n0", "m1", "m2", "n2", "n2b", "m3", "n3"]);
  });

  it("holds back a note older than the oldest message loaded until the start is loaded", () => {
    const messages = [5, 6].map((s) => message(s));
    const notes = [note("n1", 1), note("n4", 4), note("n5", 5)];
    expect(shape(timeline(messages, notes, false))).toEqual(["m5", "n5", "m6"]);
    expect(shape(timeline(messages, notes, true))).toEqual(["n1", "n4", "m5", "n5", "m6"]);
  });

  it("shows a note written after a message not yet heard at the end, and merges notes by id", () => {
    const merged = mergeNotes([note("a", 1)], [note("a", 1), note("b", 7)]);
    expect(merged.map((n) => n.id)).toEqual(["a", "b"]);
    expect(shape(timeline([message(1)], merged, true))).toEqual(["m1", "a", "b"]);
  });
});
