import { describe, expect, it } from "vitest";
import { screenFor, type ScreenState } from "./screen-for.ts";

const base: ScreenState = {
  preChatFields: [],
  user: undefined,
  preChatDone: false,
  conversationId: null,
  status: null,
  available: null,
  canRate: true,
  rated: false,
};
const at = (over: Partial<ScreenState>) => screenFor({ ...base, ...over });

describe("which screen the widget panel shows", () => {
  it("is the chat when nothing else is asked for", () => {
    expect(at({})).toBe("chat");
    expect(at({ conversationId: "conv_1", status: "open" })).toBe("chat");
    expect(at({ available: true })).toBe("chat");
  });

  it("asks the pre-chat questions before the first message, unless the page already gave them", () => {
    expect(at({ preChatFields: ["name", "email"] })).toBe("preChat");
    expect(at({ preChatFields: ["name", "email"], user: { name: "Ada" } })).toBe("preChat");
    expect(at({ preChatFields: ["name", "email"], user: { name: "Ada", email: "ada@example.com" } })).toBe("chat");
    expect(at({ preChatFields: ["name"], preChatDone: true })).toBe("chat");
    expect(at({ preChatFields: ["name"], conversationId: "conv_1", status: "open" })).toBe("chat");
  });

  it("asks for a rating once the conversation is solved or closed, until rated or skipped", () => {
    expect(at({ conversationId: "conv_1", status: "solved" })).toBe("rating");
    expect(at({ conversationId: "conv_1", status: "closed" })).toBe("rating");
    expect(at({ conversationId: "conv_1", status: "waiting" })).toBe("chat");
    expect(at({ conversationId: "conv_1", status: "closed", rated: true })).toBe("chat");
    // A session that cannot send a rating keeps the closed conversation in the chat.
    expect(at({ conversationId: "conv_1", status: "closed", canRate: false })).toBe("chat");
  });

  it("shows the away screen while the site is not available, after pre-chat and before a rating", () => {
    expect(at({ available: false })).toBe("away");
    expect(at({ available: false, conversationId: "conv_1", status: "open" })).toBe("away");
    expect(at({ available: false, preChatFields: ["email"] })).toBe("preChat");
    expect(at({ available: false, conversationId: "conv_1", status: "closed" })).toBe("rating");
    expect(at({ available: false, conversationId: "conv_1", status: "closed", rated: true })).toBe("away");
  });

  it("shows the transcript form once the visitor asked for it, over the survey and the away screen", () => {
    expect(at({ transcript: true })).toBe("chat"); // no conversation yet: nothing to send
    expect(at({ transcript: true, conversationId: "conv_1", status: "open" })).toBe("transcript");
    expect(at({ transcript: true, conversationId: "conv_1", status: "closed" })).toBe("transcript");
    expect(at({ transcript: true, conversationId: "conv_1", status: "open", available: false })).toBe("transcript");
    expect(at({ transcript: true, preChatFields: ["name"] })).toBe("preChat");
  });
});
