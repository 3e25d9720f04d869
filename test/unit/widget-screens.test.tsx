// @vitest-environment jsdom
import { afterEach, describe, expect, it } from "vitest";
import { act, cleanup, render, screen, within } from "@testing-library/preact";
import userEvent from "@testing-library/user-event";
import { signal } from "@preact/signals";
import type { Session, ViewMessage } from "../../widget/session/types.ts";
import type { WidgetSettings } from "../../widget/loader/settings.ts";
import { Panel } from "../../widget/app/panel.tsx";

afterEach(cleanup);

/** A Session made of signals; `rate` only when the relay is meant to take ratings. */
function setup(opts: { site?: Record<string, unknown>; settings?: WidgetSettings; rates?: boolean } = {}) {
  const calls: string[] = [];
  const s = {
    connection: signal("online"),
    site: signal<Record<string, unknown>>({
      siteKey: "pk_x",
      theme: {},
      greeting: null,
      name: "Acme",
      identityRequired: false,
      ...opts.site,
    }),
    conversationId: signal<string | null>(null),
    conversationStatus: signal<string | null>(null),
    messages: signal<ViewMessage[]>([]),
    agentTyping: signal<string | null>(null),
    unread: signal(0),
    send: (input: unknown) => void calls.push(`send:${JSON.stringify(input)}`),
    setTyping: () => {},
    markAllRead: () => {},
    startNew: () => void calls.push("startNew"),
    identify: (user: unknown) => void calls.push(`identify:${JSON.stringify(user)}`),
    ...(opts.rates
      ? {
          rate: (score: number, comment: string) => void calls.push(`rate:${score}:${comment}`),
          skipRating: () => void calls.push("skip"),
          rated: signal(false),
        }
      : {}),
  };
  render(
    <Panel
      session={s as unknown as Session}
      settings={signal(opts.settings ?? {})}
      open={signal(true)}
      onClose={() => {}}
    />,
  );
  return { s, calls };
}

const own = (text: string): ViewMessage => ({
  key: "c1",
  clientId: "c1",
  delivery: "sent",
  seen: false,
  message: {
    id: "msg_1",
    conversationId: "conv_1",
    seq: 1,
    sender: { type: "contact", id: null, name: null },
    type: "text",
    content: { text },
    state: "complete",
    createdAt: new Date().toISOString(),
  },
});

describe("the away screen", () => {
  it("says the team is away, answers the first message and asks for an email that is stored on the contact", async () => {
    const { s, calls } = setup({ site: { available: false, awayMessage: "Back at nine." } });
    expect(await screen.findByText(/We are away right now/)).toBeTruthy();
    expect(screen.getByRole("textbox", { name: "Message" })).toBeTruthy();
    expect(screen.queryByRole("textbox", { name: "Email" })).toBeNull();

    act(() => {
      s.conversationId.value = "conv_1";
      s.messages.value = [own("Is anyone there?")];
    });
    const log = screen.getByRole("log");
    expect(within(log).getByText("Back at nine.")).toBeTruthy();
    await userEvent.type(within(log).getByRole("textbox", { name: "Email" }), "ada@example.com");
    await userEvent.click(within(log).getByRole("button", { name: "Save" }));
    expect(calls).toContain('identify:{"email":"ada@example.com"}');
    expect(screen.queryByRole("textbox", { name: "Email" })).toBeNull();
    expect(within(log).getByText("We will reply to ada@example.com.")).toBeTruthy();
  });

  it("does not ask for an email the page already gave, and is the chat while the site is available", async () => {
    const { s } = setup({ site: { available: false }, settings: { user: { email: "bo@example.com" } } });
    act(() => {
      s.conversationId.value = "conv_1";
      s.messages.value = [own("Hello")];
    });
    expect(screen.queryByRole("textbox", { name: "Email" })).toBeNull();
    expect(await screen.findByText("Thanks! We will get back to you as soon as we can.")).toBeTruthy();
    act(() => {
      s.site.value = { ...s.site.value, available: true };
    });
    expect(screen.queryByText(/We are away right now/)).toBeNull();
    expect(screen.getByRole("dialog").getAttribute("data-screen")).toBe("chat");
  });
});

describe("the rating screen", () => {
  it("asks to rate a closed conversation 1–5 with an optional comment, then offers a new conversation", async () => {
    const { s, calls } = setup({ rates: true });
    act(() => {
      s.conversationId.value = "conv_1";
      s.conversationStatus.value = "closed";
    });
    const group = await screen.findByRole("group", { name: "Rate this conversation" });
    expect(
      within(group)
        .getAllByRole("button")
        .map((b) => b.textContent),
    ).toEqual(["1", "2", "3", "4", "5"]);
    expect(screen.queryByRole("textbox", { name: "Message" })).toBeNull();
    const submit = screen.getByRole("button", { name: "Send rating" }) as HTMLButtonElement;
    expect(submit.disabled).toBe(true);

    await userEvent.click(within(group).getByRole("button", { name: "4" }));
    expect(within(group).getByRole("button", { name: "4" }).getAttribute("aria-pressed")).toBe("true");
    await userEvent.type(within(group).getByRole("textbox", { name: "Comment (optional)" }), "Quick help");
    await userEvent.click(submit);
    expect(calls).toContain("rate:4:Quick help");
    expect(screen.queryByRole("group", { name: "Rate this conversation" })).toBeNull();
    expect(screen.getByRole("button", { name: "Start a new conversation" })).toBeTruthy();
  });

  it("can be skipped, and is not asked while the relay takes no ratings", async () => {
    const { s, calls } = setup({ rates: true });
    act(() => {
      s.conversationId.value = "conv_1";
      s.conversationStatus.value = "solved";
    });
    await userEvent.click(await screen.findByRole("button", { name: "Skip" }));
    expect(calls.filter((c) => c.startsWith("rate"))).toEqual([]);
    expect(calls).toContain("skip");
    expect(screen.getByRole("textbox", { name: "Message" })).toBeTruthy();
    cleanup();

    const without = setup();
    act(() => {
      without.s.conversationId.value = "conv_1";
      without.s.conversationStatus.value = "closed";
    });
    expect(screen.queryByRole("group", { name: "Rate this conversation" })).toBeNull();
    expect(screen.getByText("This conversation is closed.", { exact: false })).toBeTruthy();
  });

  it("is not asked when the session says the conversation was rated or skipped (a visitor who comes back)", async () => {
    const { s } = setup({ rates: true });
    act(() => {
      s.conversationId.value = "conv_1";
      s.conversationStatus.value = "solved";
    });
    expect(await screen.findByRole("group", { name: "Rate this conversation" })).toBeTruthy();
    act(() => void (s.rated!.value = true));
    expect(screen.queryByRole("group", { name: "Rate this conversation" })).toBeNull();
    expect(screen.getByRole("dialog").getAttribute("data-screen")).toBe("chat");
  });
});

describe("availability in the header", () => {
  it("says when the team typically replies while available, in the visitor's language, and nothing while away", async () => {
    const { s } = setup({ site: { available: true, replyTime: "day" } });
    expect(screen.getByText("Typically replies in a day")).toBeTruthy();
    act(() => void (s.site.value = { ...s.site.value, replyTime: "minutes" }));
    expect(screen.getByText("Typically replies in a few minutes")).toBeTruthy();
    act(() => void (s.site.value = { ...s.site.value, available: false }));
    expect(screen.queryByText(/Typically replies/)).toBeNull();
    cleanup();
    setup({ site: { available: true, replyTime: "hours" }, settings: { locale: "sv" } });
    expect(await screen.findByText("Svarar oftast inom några timmar")).toBeTruthy();
  });

  it("keeps what the visitor is typing when the team goes away meanwhile", async () => {
    const { s } = setup({ site: { available: true } });
    await userEvent.type(screen.getByRole("textbox", { name: "Message" }), "Half a sent");
    act(() => void (s.site.value = { ...s.site.value, available: false }));
    expect(screen.getByText("We are away right now", { exact: false })).toBeTruthy();
    expect((screen.getByRole("textbox", { name: "Message" }) as HTMLTextAreaElement).value).toBe("Half a sent");
  });
});
