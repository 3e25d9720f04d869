import type { Agent } from "../../shared/schemas/index.ts";

/** An `@` being typed: where it starts in the text and what follows it up to the caret. */
export interface MentionQuery {
  start: number;
  query: string;
}

/**
 * The mention being typed at `caret`, or null: an `@` at the start or after a space, followed by
 * at most two words (names have spaces) and no line break.
 */
export function mentionAt(text: string, caret: number): MentionQuery | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf("@");
  if (at < 0 || (at > 0 && !/\s/.test(before[at - 1]!))) return null;
  const query = before.slice(at + 1);
  if (/[\n@]/.test(query) || query.split(" ").length > 3 || query.length > 60) return null;
  return { start: at, query };
}

/** Active agents whose name (any word of it) or email starts with the query; at most `limit`. */
export function matchAgents(agents: Agent[], query: string, limit = 8): Agent[] {
  const q = query.trim().toLowerCase();
  return agents
    .filter((a) => a.active)
    .filter(
      (a) =>
        !q ||
        a.name.toLowerCase().startsWith(q) ||
        a.name
          .toLowerCase()
          .split(/\s+/)
          .some((w) => w.startsWith(q)) ||
        a.email.toLowerCase().startsWith(q),
    )
    .slice(0, limit);
}

/** The text with the `@query` replaced by `@Name `, and where the caret goes after it. */
export function insertMention(text: string, at: MentionQuery, agent: Agent): { text: string; caret: number } {
  const end = at.start + 1 + at.query.length;
  const rest = text.slice(end);
  const mention = /^\s/.test(rest) ? `@${agent.name}` : `@${agent.name} `;
  return { text: text.slice(0, at.start) + mention + rest, caret: at.start + agent.name.length + 2 };
}

/** The agents picked whose `@Name` is still in the text when the note is sent. */
export function mentionsIn(text: string, picked: Agent[]): string[] {
  return [...new Set(picked.filter((a) => text.includes(`@${a.name}`)).map((a) => a.id))];
}
