import { signal } from "@preact/signals";
import type { Message, Note } from "../../shared/schemas/index.ts";
import type { Api } from "../api/client.ts";

/** One entry of the timeline: a message, or a private note shown after the message it follows. */
export type TimelineEntry = { kind: "message"; message: Message } | { kind: "note"; note: Note };

/** Notes by id, oldest first: the one place two note lists are merged. */
export function mergeNotes(current: Note[], incoming: Note[]): Note[] {
  const byId = new Map(current.map((n) => [n.id, n]));
  for (const n of incoming) byId.set(n.id, n);
  return [...byId.values()].sort((a, b) =>
    a.createdAt !== b.createdAt ? (a.createdAt < b.createdAt ? -1 : 1) : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
}

/**
 * Messages and notes in one timeline: each note right after the message whose seq is its
 * `afterSeq`. A note written before the oldest message held shows only once the start of the
 * conversation is loaded (`complete`), so that it never appears in the wrong place.
 */
export function timeline(messages: Message[], notes: Note[], complete: boolean): TimelineEntry[] {
  const first = messages[0]?.seq ?? Infinity;
  const out: TimelineEntry[] = [];
  const pending = [...notes].sort((a, b) => a.afterSeq - b.afterSeq);
  let i = 0;
  const flush = (upTo: number) => {
    while (i < pending.length && pending[i]!.afterSeq <= upTo) {
      const note = pending[i++]!;
      if (complete || note.afterSeq >= first) out.push({ kind: "note", note });
    }
  };
  for (const message of messages) {
    flush(message.seq - 1);
    out.push({ kind: "message", message });
  }
  flush(Infinity);
  return out;
}

/** The private notes of one open conversation: loaded with it, kept current by `note.created`. */
export function createNotes(api: Api, conversationId: string) {
  const items = signal<Note[]>([]);
  const path = `/v1/conversations/${encodeURIComponent(conversationId)}/notes`;

  async function load(): Promise<void> {
    const page = await api.get<{ items: Note[] }>(path);
    items.value = mergeNotes(items.value, page.items);
  }

  function receive(note: Note): void {
    if (note.conversationId === conversationId) items.value = mergeNotes(items.value, [note]);
  }

  async function write(text: string, mentions: string[]): Promise<Note> {
    const note = await api.send<Note>("POST", path, { text, mentions });
    receive(note);
    return note;
  }

  return { items, load, receive, write };
}

export type Notes = ReturnType<typeof createNotes>;
