// @vitest-environment jsdom
import { afterEach, describe, expect, it } from "vitest";
import { act, cleanup, render, screen } from "@testing-library/preact";
import userEvent from "@testing-library/user-event";
import { signal } from "@preact/signals";
import type { Session } from "../../widget/session/types.ts";
import type { WidgetSettings } from "../../widget/loader/settings.ts";
import { Panel } from "../../widget/app/panel.tsx";

afterEach(cleanup);

/** A Session made of signals whose `transcript` answers as the relay would. */
function setup(site: Record<string, unknown>, settings: WidgetSettings = {}, answer = { to: "ann@example.org" }) {
  const asked: (string | null)[] = [];
  const s = {
    connection: signal("online"),
    site: signal<Record<string, unknown>>({ siteKey: "pk_x", theme: {}, greeting: null, name: "Acme", ...site }),
    conversationId: signal<string | null>("conv_1"),
    conversationStatus: signal<string | null>("open"),
    messages: signal([]),
    agentTyping: signal<string | null>(null),
    unread: signal(0),
    send: () => {},
    setTyping: () => {},
    markAllRead: () => {},
    startNew: () => {},
    identify: () => {},
    transcript: async (email: string | null) => (asked.push(email), answer as { to: string } | { error: string }),
  };
  render(
    <Panel session={s as unknown as Session} settings={signal(settings)} open={signal(true)} onClose={() => {}} />,
  );
  return { s, asked };
}

describe("the transcript in the widget", () => {
  it("has no menu while the server sends no email, nor before there is a conversation", async () => {
    const { s } = setup({ available: true, transcript: false });
    expect(screen.queryByRole("button", { name: "Menu" })).toBeNull();
    act(() => void (s.site.value = { ...s.site.value, transcript: true, available: true }));
    expect(screen.getByRole("button", { name: "Menu" })).toBeTruthy();
    act(() => void (s.conversationId.value = null));
    expect(screen.queryByRole("button", { name: "Menu" })).toBeNull();
  });

  it("asks for an address, refuses a typo without asking the relay, and says where it went (in Swedish)", async () => {
    const user = userEvent.setup();
    const { asked } = setup({ available: true, transcript: true }, { locale: "sv" });
    // Swedish loads on first use: the panel redraws in Swedish when it has arrived.
    await user.click(await screen.findByRole("button", { name: "Meny" }));
    await user.click(screen.getByRole("menuitem", { name: "Mejla mig konversationen" }));
    const email = await screen.findByRole("textbox", { name: "E-post" });
    await user.type(email, "ann@example");
    await user.click(screen.getByRole("button", { name: "Skicka" }));
    expect((await screen.findByRole("alert")).textContent).toBe("Ange en giltig e-postadress.");
    expect(asked).toEqual([]);
    await user.clear(email);
    await user.type(email, "ann@example.org{Enter}");
    expect((await screen.findByText("Skickad till ann@example.org.")).getAttribute("role")).toBe("status");
    expect(asked).toEqual(["ann@example.org"]);
    await user.click(screen.getByRole("button", { name: "Tillbaka till chatten" }));
    expect(await screen.findByRole("textbox", { name: "Meddelande" })).toBeTruthy();
  });

  it("asks in Arabic", async () => {
    const user = userEvent.setup();
    setup({ available: true, transcript: true }, { locale: "ar" });
    await user.click(await screen.findByRole("button", { name: "القائمة" }));
    await user.click(screen.getByRole("menuitem", { name: "أرسل لي نص المحادثة بالبريد الإلكتروني" }));
    expect(await screen.findByText("إلى أين نرسل هذه المحادثة؟")).toBeTruthy();
    expect(screen.getByRole("button", { name: "إلغاء" })).toBeTruthy();
  });

  it("says so when the relay refuses", async () => {
    const user = userEvent.setup();
    setup({ available: true, transcript: true }, { user: { email: "ann@example.org" } }, {
      error: "rate_limited",
    } as never);
    await user.click(screen.getByRole("button", { name: "Menu" }));
    await user.click(screen.getByRole("menuitem", { name: "Email me the transcript" }));
    expect(await screen.findByText("We will send this conversation to ann@example.org.")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Send" }));
    expect((await screen.findByRole("alert")).textContent).toBe("The transcript was not sent: please try again later.");
  });
});
