// @vitest-environment jsdom
import { afterEach, describe, expect, it } from "vitest";
import { act, cleanup, render, screen, within } from "@testing-library/preact";
import userEvent from "@testing-library/user-event";
import { signal } from "@preact/signals";
import type { Message } from "../../shared/schemas/message.ts";
import type { ConnectionState, Session, ViewMessage } from "../../widget/session/types.ts";
import type { WidgetSettings } from "../../widget/loader/settings.ts";
import { Panel } from "../../widget/app/panel.tsx";

afterEach(cleanup);

/** A Session made of signals: the UI reads only these and calls only these methods. */
function fakeSession() {
  const sent: unknown[] = [];
  const calls: string[] = [];
  const s = {
    connection: signal<ConnectionState>("online"),
    site: signal<any>({
      siteKey: "pk_x",
      theme: {},
      greeting: "Hello from the site",
      name: "Acme",
      identityRequired: false,
    }),
    conversationId: signal<string | null>(null),
    conversationStatus: signal<any>(null),
    messages: signal<ViewMessage[]>([]),
    agentTyping: signal<string | null>(null),
    unread: signal(0),
    throttled: signal(false),
    connect: () => calls.push("connect"),
    send: (input: unknown) => void sent.push(input),
    setTyping: (on: boolean) => void calls.push(`typing:${on}`),
    markAllRead: () => void calls.push("read"),
    identify: (user: unknown) => void calls.push(`identify:${JSON.stringify(user)}`),
    shutdown: () => void calls.push("shutdown"),
    onMessage: () => () => {},
  };
  return { session: s as unknown as Session, s, sent, calls };
}

let seq = 0;
function vm(
  sender: Message["sender"]["type"],
  type: Message["type"],
  content: Record<string, unknown>,
  extra: Partial<ViewMessage> = {},
  state: Message["state"] = "complete",
): ViewMessage {
  seq++;
  return {
    key: `msg_${seq}`,
    clientId: null,
    delivery: "sent",
    seen: false,
    ...extra,
    message: {
      id: `msg_${seq}`,
      conversationId: "conv_1",
      seq,
      sender: { type: sender, id: null, name: sender === "agent" ? "Maja" : null },
      type,
      content,
      state,
      createdAt: new Date().toISOString(),
    },
  };
}

function setup(settings: WidgetSettings = {}) {
  const fake = fakeSession();
  const open = signal(true);
  const settingsSig = signal<WidgetSettings>(settings);
  let closed = 0;
  const utils = render(<Panel session={fake.session} settings={settingsSig} open={open} onClose={() => closed++} />);
  return { ...fake, ...utils, open, settingsSig, closed: () => closed };
}

describe("the chat panel", () => {
  it("is a dialog named by its title, with the greeting, a log and a composer", () => {
    setup({ title: "Support" });
    const dialog = screen.getByRole("dialog", { name: "Support" });
    expect(within(dialog).getByRole("log")).toBeTruthy();
    expect(screen.getByText("Hello from the site")).toBeTruthy();
    expect(screen.getByRole("textbox", { name: "Message" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Send" })).toBeTruthy();
  });

  it("focuses the composer when open; Escape asks to close", async () => {
    const { closed } = setup();
    const box = screen.getByRole("textbox", { name: "Message" });
    expect(document.activeElement).toBe(box);
    await userEvent.keyboard("{Escape}");
    expect(closed()).toBe(1);
  });

  it("sends on Enter, keeps Shift+Enter as a newline, ignores blank input", async () => {
    const { sent, calls } = setup();
    const box = screen.getByRole("textbox", { name: "Message" }) as HTMLTextAreaElement;
    await userEvent.type(box, "   {Enter}");
    expect(sent).toEqual([]);
    await userEvent.type(box, "Hello{Shift>}{Enter}{/Shift}there{Enter}");
    expect(sent).toEqual([{ type: "text", content: { text: "Hello\nthere" } }]);
    expect(box.value).toBe("");
    expect(calls).toContain("typing:true");
    expect(calls).toContain("typing:false");
    await userEvent.type(box, "Via button");
    await userEvent.click(screen.getByRole("button", { name: "Send" }));
    expect(sent[1]).toEqual({ type: "text", content: { text: "Via button" } });
  });

  it("shows each message with its sender, the visitor's delivery state and the seen marker", () => {
    const { s, container } = setup();
    act(() => {
      s.messages.value = [
        vm("agent", "text", { text: "Hi, I am Maja" }),
        vm("contact", "text", { text: "Hello" }, { delivery: "sending", key: "c1", clientId: "c1" }),
      ];
    });
    const log = screen.getByRole("log");
    expect([...log.querySelectorAll("[data-sender]")].map((el) => el.getAttribute("data-sender"))).toEqual([
      "agent",
      "contact",
    ]);
    expect(screen.getByText("Maja")).toBeTruthy();
    expect(container.querySelector('[data-state="sending"]')).not.toBeNull();
    expect(screen.getByText("Sending…")).toBeTruthy();
    act(() => {
      s.messages.value = [s.messages.value[0]!, { ...s.messages.value[1]!, delivery: "sent" }];
    });
    expect(screen.getByText("Sent")).toBeTruthy();
    act(() => {
      s.messages.value = [s.messages.value[0]!, { ...s.messages.value[1]!, seen: true }];
    });
    expect(screen.getByText("Seen")).toBeTruthy();
  });

  it("grows a streamed message live and shows who is typing", () => {
    const { s } = setup();
    const streaming = vm("bot", "text", { text: "Let me" }, {}, "streaming");
    act(() => {
      s.messages.value = [streaming];
    });
    act(() => {
      s.agentTyping.value = "Maja";
    });
    expect(screen.getByRole("status").textContent).toContain("Maja is typing…");
    act(() => {
      s.messages.value = [
        { ...streaming, message: { ...streaming.message, content: { text: "Let me check that for you" } } },
      ];
    });
    expect(screen.getByRole("log").textContent).toContain("Let me check that for you");
    act(() => {
      s.agentTyping.value = null;
    });
    expect(screen.getByRole("status").textContent).toBe("");
  });

  it("sends a quick_reply when the visitor picks an option of the latest message only", async () => {
    const { s, sent } = setup();
    act(() => {
      s.messages.value = [
        vm("bot", "quick_replies", { text: "Old question", options: [{ title: "Old", payload: "old" }] }),
        vm("bot", "quick_replies", {
          text: "Which team?",
          options: [
            { title: "Sales", payload: "sales" },
            { title: "Support", payload: "support" },
          ],
        }),
      ];
    });
    expect(screen.queryByRole("button", { name: "Old" })).toBeNull();
    await userEvent.click(screen.getByRole("button", { name: "Sales" }));
    expect(sent).toEqual([{ type: "quick_reply", content: { title: "Sales", payload: "sales" } }]);
  });

  it("tells the visitor when offline", () => {
    const { s } = setup();
    act(() => {
      s.connection.value = "offline";
    });
    expect(screen.getByText(/Offline/)).toBeTruthy();
  });

  it("asks the visitor to slow down while its sends are rate limited, in its language", async () => {
    const { s, settingsSig } = setup();
    expect(screen.queryByText(/slow down/)).toBeNull();
    act(() => {
      s.throttled.value = true;
    });
    expect(screen.getByText(/sending messages very fast: please slow down/).getAttribute("role")).toBe("status");
    act(() => {
      settingsSig.value = { locale: "sv" };
    });
    expect((await screen.findByText(/sakta ner/)).getAttribute("role")).toBe("status");
    act(() => {
      s.throttled.value = false;
    });
    expect(screen.queryByText(/sakta ner/)).toBeNull();
  });

  it("speaks Swedish (loaded on first use) and takes string overrides", async () => {
    const { settingsSig } = setup({ locale: "sv" });
    expect(await screen.findByRole("textbox", { name: "Meddelande" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Skicka" })).toBeTruthy();
    act(() => {
      settingsSig.value = { locale: "sv", strings: { send: "Iväg" }, title: "Hjälp", placeholder: "Skriv här" };
    });
    expect(screen.getByRole("button", { name: "Iväg" })).toBeTruthy();
    expect(screen.getByRole("dialog", { name: "Hjälp" })).toBeTruthy();
    expect(screen.getByPlaceholderText("Skriv här")).toBeTruthy();
  });

  it("page settings' greeting wins over the site's", () => {
    setup({ greeting: "Page says hi" });
    expect(screen.getByText("Page says hi")).toBeTruthy();
    expect(screen.queryByText("Hello from the site")).toBeNull();
  });

  it("asks pre-chat questions before the first message when configured", async () => {
    const { calls, sent } = setup({ preChat: { fields: ["name", "email"], required: true } });
    expect(screen.queryByRole("textbox", { name: "Message" })).toBeNull();
    await userEvent.type(screen.getByRole("textbox", { name: "Name" }), "Ada");
    await userEvent.type(screen.getByRole("textbox", { name: "Email" }), "ada@example.com");
    await userEvent.click(screen.getByRole("button", { name: "Start chat" }));
    expect(calls).toContain('identify:{"name":"Ada","email":"ada@example.com"}');
    await userEvent.type(screen.getByRole("textbox", { name: "Message" }), "Hi{Enter}");
    expect(sent).toHaveLength(1);
  });

  it("names the pre-chat phone field Phone, not the Call action", async () => {
    const { calls } = setup({ preChat: { fields: ["phone"], required: true } });
    const phone = screen.getByRole("textbox", { name: "Phone" });
    expect(phone.getAttribute("type")).toBe("tel");
    await userEvent.type(phone, "+46 70 123 45 67");
    await userEvent.click(screen.getByRole("button", { name: "Start chat" }));
    expect(calls).toContain('identify:{"phone":"+46 70 123 45 67"}');
  });

  it("names the pre-chat phone field in Swedish", async () => {
    setup({ locale: "sv", preChat: { fields: ["name", "phone"] } });
    expect(await screen.findByRole("textbox", { name: "Telefon" })).toBeTruthy();
    expect(screen.getByRole("textbox", { name: "Namn" })).toBeTruthy();
  });

  it("is hidden while closed", () => {
    const { open } = setup();
    act(() => {
      open.value = false;
    });
    expect(screen.queryByRole("dialog")).toBeNull();
  });
});
