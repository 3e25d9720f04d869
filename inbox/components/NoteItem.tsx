import type { Note } from "../../shared/schemas/index.ts";
import { fullWhen, shortWhen } from "./format.ts";

/** A private note in the timeline: set apart from messages, and labelled as unseen by the visitor. */
export function NoteItem({ note }: { note: Note }) {
  const who = note.author.name || (note.author.type === "token" ? "API" : "Agent");
  return (
    <article
      class="note"
      data-note-id={note.id}
      data-after-seq={note.afterSeq}
      aria-label={`Internal note by ${who}, ${fullWhen(note.createdAt)}`}
    >
      <p class="note-label">Internal note</p>
      <p class="note-text">{note.text}</p>
      <p class="msg-meta">
        {who} · <time dateTime={note.createdAt}>{shortWhen(note.createdAt)}</time> · not seen by the visitor
      </p>
    </article>
  );
}
