import { describe, expect, it } from "vitest";
import type { Agent } from "../../shared/schemas/index.ts";
import { insertMention, matchAgents, mentionAt, mentionsIn } from "./mentions.ts";

const agent = (id: string, name: string, active = true): Agent => ({
  id,
  name,
  email: `${name.split(" ")[0]!.toLowerCase()}@example.com`,
  role: "agent",
  active,
  availability: "online",
  queues: [],
  emailNotifications: false,
  createdAt: "2026-01-01T00:00:00.000Z",
});
const team = [agent("ag_bo", "Bo Lind"), agent("ag_ann", "Ann Berg"), agent("ag_old", "Bob Gone", false)];

describe("@ mentions", () => {
  it("finds the @ being typed at the caret, not an email address or a finished line", () => {
    expect(mentionAt("Ask @bo", 7)).toEqual({ start: 4, query: "bo" });
    expect(mentionAt("@", 1)).toEqual({ start: 0, query: "" });
    expect(mentionAt("mail ann@example.com", 20)).toBeNull();
    expect(mentionAt("@bo\nthen", 8)).toBeNull();
    expect(mentionAt("no mention", 10)).toBeNull();
  });

  it("completes active agents only, by any word of the name or the email", () => {
    expect(matchAgents(team, "bo").map((a) => a.id)).toEqual(["ag_bo"]);
    expect(matchAgents(team, "berg").map((a) => a.id)).toEqual(["ag_ann"]);
    expect(matchAgents(team, "").map((a) => a.id)).toEqual(["ag_bo", "ag_ann"]);
  });

  it("inserts @Name and keeps only the mentions still in the text", () => {
    const at = mentionAt("Ask @b please", 6)!;
    const done = insertMention("Ask @b please", at, team[0]!);
    expect(done).toEqual({ text: "Ask @Bo Lind please", caret: 13 });
    expect(mentionsIn(done.text, [team[0]!, team[1]!])).toEqual(["ag_bo"]);
  });
});
