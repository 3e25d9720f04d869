import type { Note, NoteInput } from "../../shared/schemas/index.ts";
import { json, write, type Ctx, type Db, type Principal } from "./context.ts";
import { authorize, can } from "./permissions.ts";
import { newId } from "./secrets.ts";
import { ParleyError } from "./errors.ts";
import { conversationRow, lockConversation } from "./conversations.ts";
import { conversationView } from "./views.ts";
import type { NoteRow } from "../store/tables.ts";
import { insertDocument } from "../store/search-index.ts";
import type { AgentRole } from "../../shared/schemas/agent.ts";

/**
 * Private notes (CONTRACT §7): the team writes them inside a conversation; they never reach the
 * visitor (no seq, not in the message history, and the visitor relay forwards no `note.created`).
 * A note may mention agents, who hear of it live and find the conversation under "Mentions".
 */

export function noteView(row: NoteRow): Note {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    author: { type: row.author_type as Note["author"]["type"], id: row.author_id, name: row.author_name },
    text: row.text,
    mentions: json.parse<string[]>(row.mentions, []),
    afterSeq: Number(row.after_seq),
    createdAt: row.created_at,
  };
}

function authorOf(p: Principal): Pick<NoteRow, "author_type" | "author_id" | "author_name"> {
  if (p.kind === "agent") return { author_type: "agent", author_id: p.agentId, author_name: p.name };
  if (p.kind === "token") return { author_type: "token", author_id: p.tokenId, author_name: p.name };
  // The permission table lets nobody else write a note.
  throw new ParleyError("forbidden", "Only the team writes notes");
}

/**
 * The mentioned agents, each checked: it exists, is active, and may see this site's
 * conversations. Any other id is a validation error naming its place in `mentions`.
 */
async function checkMentions(db: Db, siteId: string, mentions: string[]): Promise<string[]> {
  const ids = [...new Set(mentions)];
  if (ids.length === 0) return [];
  const rows = await db.selectFrom("agents").select(["id", "name", "role", "active"]).where("id", "in", ids).execute();
  const byId = new Map(rows.map((r) => [r.id, r]));
  const details = mentions.flatMap((id, i) => {
    const a = byId.get(id);
    const ok =
      a &&
      Number(a.active) === 1 &&
      can({ kind: "agent", agentId: a.id, name: a.name, role: a.role as AgentRole }, "conversation.read", { siteId });
    return ok ? [] : [{ path: `mentions.${i}`, message: "no active agent with this id may see this conversation" }];
  });
  if (details.length) throw new ParleyError("validation_failed", "Request validation failed", details);
  return ids;
}

/** POST /v1/conversations/{id}/notes: also on a closed conversation. */
export async function createNote(ctx: Ctx, p: Principal, conversationId: string, input: NoteInput): Promise<Note> {
  authorize(p, "note.create", undefined, "Conversation");
  const author = authorOf(p);
  const known = await conversationRow(ctx.db, p, conversationId, "note.create");
  const mentions = await checkMentions(ctx.db, known.site_id, input.mentions ?? []);
  return write(ctx, async (trx, emit) => {
    // The row lock orders the note after any message being written: afterSeq is exact.
    const row = await lockConversation(ctx, trx, p, conversationId, "note.create");
    const note: NoteRow = {
      id: newId("note"),
      conversation_id: row.id,
      ...author,
      text: input.text,
      mentions: json.stringify(mentions),
      after_seq: Number(row.last_seq),
      created_at: ctx.now(),
    };
    await trx.insertInto("notes").values(note).execute();
    if (mentions.length)
      await trx
        .insertInto("note_mentions")
        .values(
          mentions.map((agentId) => ({
            note_id: note.id,
            conversation_id: row.id,
            agent_id: agentId,
            created_at: note.created_at,
          })),
        )
        .execute();
    // Searchable by the team (GET /v1/search is agents' and tokens' only; a visitor never searches).
    await insertDocument(trx, {
      source: "note",
      sourceId: note.id,
      siteId: row.site_id,
      conversationId: row.id,
      seq: null,
      body: note.text,
    });
    const view = noteView(note);
    const conversation = await conversationView(trx, row);
    emit({ type: "note.created", siteId: row.site_id, conversationId: row.id, note: view, conversation });
    return view;
  });
}

/** GET /v1/conversations/{id}/notes: every note, oldest first. */
export async function listNotes(ctx: Ctx, p: Principal, conversationId: string): Promise<{ items: Note[] }> {
  authorize(p, "note.read", undefined, "Conversation");
  await conversationRow(ctx.db, p, conversationId, "note.read");
  const rows = await ctx.db
    .selectFrom("notes")
    .selectAll()
    .where("conversation_id", "=", conversationId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return { items: rows.map(noteView) };
}
