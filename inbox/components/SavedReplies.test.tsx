// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, render, screen, waitFor } from "@testing-library/preact";
import userEvent from "@testing-library/user-event";
import type { Agent, CannedResponse } from "../../shared/schemas/index.ts";
import { ApiError, type Api } from "../api/client.ts";
import { insertable, matchReplies, placeholderValues, slashQuery } from "../state/saved-replies.ts";
import { conversation } from "../state/fixtures.test-support.ts";
import { Composer } from "./Composer.tsx";
import { SavedRepliesSettings } from "./SavedRepliesSettings.tsx";

afterEach(cleanup);

function reply(
  shortcut: string,
  title: string,
  message: CannedResponse["message"],
  over: Partial<CannedResponse> = {},
) {
  return {
    id: `cr_${shortcut}`,
    shortcut,
    title,
    message,
    scope: "team",
    siteId: null,
    createdBy: null,
    createdAt: "2026-01-01T10:00:00.000Z",
    updatedAt: "2026-01-01T10:00:00.000Z",
    ...over,
  } satisfies CannedResponse;
}

const replies = [
  reply("refund", "Refund policy", {
    type: "text",
    content: { text: "Hi {{contact.name | there}}, refunds take 5 days." },
  }),
  reply("hours", "Opening hours", { type: "text", content: { text: "We are open 9–5, {{agent.name}} here." } }),
  reply("choose", "Pick a topic", {
    type: "quick_replies",
    content: { text: "What next, {{contact.name}}?", options: [{ title: "Billing", payload: "billing" }] },
  }),
  reply("promo", "Spring promo", {
    type: "cards",
    content: { cards: [{ title: "For {{contact.name}}", buttons: [] }] },
  }),
];
const values = placeholderValues(conversation(), { name: "Sam" }, "Shop");
const saved = { items: replies, fill: (r: CannedResponse) => insertable(r, values) };
const box = () => screen.getByRole("textbox", { name: "Reply" }) as HTMLTextAreaElement;

describe("the / list of saved replies", () => {
  it("opens on / at the start only, and filters by shortcut or title", () => {
    expect(slashQuery("/")).toBe("");
    expect(slashQuery("/Ref")).toBe("ref");
    expect(slashQuery("hi /ref")).toBeNull();
    expect(slashQuery("/ref now")).toBeNull();
    expect(matchReplies(replies, "ho").map((r) => r.shortcut)).toEqual(["hours", "choose"]);
    expect(matchReplies(replies, "policy").map((r) => r.shortcut)).toEqual(["refund"]);
    expect(matchReplies(replies, "")).toHaveLength(4);
  });

  it("shows shortcut, title and preview; arrows move, Enter inserts with the contact's name filled in", async () => {
    const send = vi.fn(async () => {});
    render(<Composer send={send} typing={() => {}} savedReplies={saved} />);
    await userEvent.type(box(), "/");
    const list = screen.getByRole("listbox", { name: "Saved replies" });
    const options = screen.getAllByRole("option");
    expect(options.map((o) => o.textContent)).toContain(
      "/refund Refund policyHi {{contact.name | there}}, refunds take 5 days.",
    );
    expect(box().getAttribute("aria-controls")).toBe(list.id);
    expect(box().getAttribute("aria-activedescendant")).toBe(options[0]!.id);
    await userEvent.type(box(), "r");
    expect(screen.getAllByRole("option").map((o) => o.textContent?.split(" ")[0])).toEqual([
      "/refund",
      "/hours",
      "/promo",
    ]);
    await userEvent.keyboard("{ArrowDown}");
    expect(screen.getAllByRole("option")[1]!.getAttribute("aria-selected")).toBe("true");
    await userEvent.keyboard("{ArrowUp}{Enter}");
    expect(box().value).toBe("Hi Ann, refunds take 5 days.");
    expect(screen.queryByRole("listbox")).toBeNull();
    expect(send).not.toHaveBeenCalled();
    await userEvent.keyboard("{Enter}");
    expect(send).toHaveBeenCalledWith({ type: "text", content: { text: "Hi Ann, refunds take 5 days." } });
  });

  it("Tab inserts too, and Escape closes the list keeping what was typed", async () => {
    render(<Composer send={async () => {}} typing={() => {}} savedReplies={saved} />);
    await userEvent.type(box(), "/hou");
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("listbox")).toBeNull();
    expect(box().value).toBe("/hou");
    await userEvent.type(box(), "r");
    await userEvent.keyboard("{Tab}");
    expect(box().value).toBe("We are open 9–5, Sam here.");
  });

  it("inserts quick replies with their options, and other types to send with the next Send", async () => {
    const send = vi.fn(async () => {});
    render(<Composer send={send} typing={() => {}} savedReplies={saved} />);
    await userEvent.type(box(), "/choose{Enter}");
    expect(box().value).toBe("What next, Ann?");
    expect((screen.getByRole("textbox", { name: "Option 1" }) as HTMLInputElement).value).toBe("Billing");
    await userEvent.clear(box());
    await userEvent.click(screen.getByRole("button", { name: "Quick replies" }));
    await userEvent.type(box(), "/promo{Enter}");
    expect(screen.getByText(/Sends too: cards “For Ann”/)).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Send" }));
    expect(send).toHaveBeenCalledWith({ type: "cards", content: { cards: [{ title: "For Ann", buttons: [] }] } });
  });

  it("says so when nothing matches", async () => {
    render(<Composer send={async () => {}} typing={() => {}} savedReplies={saved} />);
    await userEvent.type(box(), "/zzz");
    expect(screen.getByRole("status").textContent).toMatch(/No saved reply matches/);
    expect(box().hasAttribute("aria-activedescendant")).toBe(false);
  });
});

function fakeApi(items: CannedResponse[], onSend: Api["send"] = async () => ({}) as never): Api {
  return {
    get: (async () => ({ items })) as Api["get"],
    send: onSend,
    upload: (async () => ({})) as Api["upload"],
  };
}
const agent = (role: Agent["role"]): Agent => ({
  id: "ag_me",
  name: "Me",
  email: "me@example.com",
  role,
  active: true,
  availability: "online",
  queues: [],
  emailNotifications: false,
  createdAt: "2026-01-01T10:00:00.000Z",
});

describe("the saved replies settings screen", () => {
  it("offers team scope to admins, never to agents, and lets an agent change only personal replies", async () => {
    const mine = reply("mine", "Mine", { type: "text", content: { text: "m" } }, { scope: "personal" });
    render(<SavedRepliesSettings api={fakeApi([replies[0]!, mine])} me={agent("agent")} />);
    await screen.findByText("Mine");
    expect(screen.queryByRole("option", { name: /Team/ })).toBeNull();
    expect(screen.queryByRole("button", { name: "Edit /refund" })).toBeNull();
    expect(screen.getByRole("button", { name: "Edit /mine" })).toBeTruthy();
    cleanup();
    render(<SavedRepliesSettings api={fakeApi([])} me={agent("admin")} />);
    expect(screen.getByRole("option", { name: /Team/ })).toBeTruthy();
  });

  it("creates a reply, and shows the API's answer beside the field it concerns", async () => {
    const sent: unknown[] = [];
    const api = fakeApi([], async (_m, _p, body) => {
      sent.push(body);
      if (sent.length === 1)
        throw new ApiError(409, "conflict", "Taken", [{ path: "shortcut", message: "already taken in this scope" }]);
      return {} as never;
    });
    render(<SavedRepliesSettings api={api} me={agent("owner")} />);
    await userEvent.type(screen.getByRole("textbox", { name: /Shortcut/ }), "refund");
    await userEvent.type(screen.getByRole("textbox", { name: /Title/ }), "Refunds");
    await userEvent.type(screen.getByRole("textbox", { name: /Message/ }), "Hi {{{{contact.name}}");
    await userEvent.selectOptions(screen.getByRole("combobox", { name: /Scope/ }), "team");
    await userEvent.click(screen.getByRole("button", { name: "Add saved reply" }));
    expect(sent[0]).toEqual({
      shortcut: "refund",
      title: "Refunds",
      scope: "team",
      message: { text: "Hi {{contact.name}}" },
    });
    expect(await screen.findByText("already taken in this scope")).toBeTruthy();
    expect(screen.getByRole("textbox", { name: /Shortcut/ }).getAttribute("aria-invalid")).toBe("true");
    await userEvent.click(screen.getByRole("button", { name: "Add saved reply" }));
    await waitFor(() => expect(screen.getByRole("status").textContent).toBe("Saved /refund"));
  });
});
