// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { cleanup, render, screen } from "@testing-library/preact";
import userEvent from "@testing-library/user-event";
import { Composer, composeInput, noteLabel } from "./Composer.tsx";

afterEach(cleanup);

describe("composer", () => {
  it("sends the text on Enter, keeps Shift+Enter as a new line, and empties itself", async () => {
    const send = vi.fn(async () => {});
    const typing = vi.fn();
    render(<Composer send={send} typing={typing} />);
    const box = screen.getByRole("textbox", { name: "Reply" });
    await userEvent.type(box, "Hello{Shift>}{Enter}{/Shift}there{Enter}");
    expect(send).toHaveBeenCalledWith({ type: "text", content: { text: "Hello\nthere" } });
    expect((box as HTMLTextAreaElement).value).toBe("");
    expect(typing).toHaveBeenCalledWith(true);
    expect(typing).toHaveBeenLastCalledWith(false);
  });

  it("sends quick replies with the options written in the editor", async () => {
    const send = vi.fn(async () => {});
    render(<Composer send={send} typing={() => {}} />);
    await userEvent.click(screen.getByRole("button", { name: "Quick replies" }));
    await userEvent.type(screen.getByRole("textbox", { name: "Option 1" }), "Yes");
    await userEvent.type(screen.getByRole("textbox", { name: "Option 2" }), "No");
    await userEvent.click(screen.getByRole("button", { name: "Add option" }));
    await userEvent.type(screen.getByRole("textbox", { name: "Option 3" }), "Maybe");
    await userEvent.click(screen.getByRole("button", { name: "Remove option 3" }));
    await userEvent.type(screen.getByRole("textbox", { name: "Reply" }), "Shall we?");
    await userEvent.click(screen.getByRole("button", { name: "Send" }));
    expect(send).toHaveBeenCalledWith({
      type: "quick_replies",
      content: {
        text: "Shall we?",
        options: [
          { title: "Yes", payload: "Yes" },
          { title: "No", payload: "No" },
        ],
      },
    });
    expect(screen.queryByRole("textbox", { name: "Option 1" })).toBeNull();
  });

  it("keeps the text and says why when sending fails", async () => {
    const send = vi.fn(async () => {
      throw new Error("This conversation is closed");
    });
    render(<Composer send={send} typing={() => {}} />);
    await userEvent.type(screen.getByRole("textbox", { name: "Reply" }), "Hi{Enter}");
    expect((await screen.findByRole("alert")).textContent).toBe("This conversation is closed");
    expect((screen.getByRole("textbox", { name: "Reply" }) as HTMLTextAreaElement).value).toBe("Hi");
  });

  it("uploads an attached file and sends the message that carries it", async () => {
    const send = vi.fn(async () => {});
    const attach = vi.fn(async (file: File) => ({
      type: "file" as const,
      content: { url: "https://relay.example/v1/files/k", name: file.name, size: file.size, mimeType: file.type },
    }));
    const { container } = render(<Composer send={send} typing={() => {}} attach={attach} />);
    expect(screen.getByRole("button", { name: "Attach file" })).toBeTruthy();
    const file = new File(["a,b\n"], "orders.csv", { type: "text/csv" });
    await userEvent.upload(container.querySelector('input[type="file"]') as HTMLInputElement, file);
    expect(attach).toHaveBeenCalledWith(file);
    expect(send).toHaveBeenCalledWith({
      type: "file",
      content: { url: "https://relay.example/v1/files/k", name: "orders.csv", size: 4, mimeType: "text/csv" },
    });
  });

  it("sends nothing blank", () => {
    expect(composeInput("   ", ["a"])).toBeNull();
    expect(composeInput(" hi ", [" ", ""])).toEqual({ type: "text", content: { text: "hi" } });
  });
});

describe("composer: Note mode", () => {
  const agents = [
    {
      id: "ag_bo",
      name: "Bo Lind",
      email: "bo@example.com",
      role: "agent" as const,
      active: true,
      availability: "online" as const,
      queues: [],
      emailNotifications: false,
      createdAt: "",
    },
    {
      id: "ag_cy",
      name: "Cy Moss",
      email: "cy@example.com",
      role: "agent" as const,
      active: true,
      availability: "online" as const,
      queues: [],
      emailNotifications: false,
      createdAt: "",
    },
  ];

  it("switches with the Note button and Alt+N, says the visitor will not see it, and sends no typing", async () => {
    const send = vi.fn(async () => {});
    const note = vi.fn(async () => {});
    const typing = vi.fn();
    render(<Composer send={send} typing={typing} note={note} agents={agents} />);
    const toggle = screen.getByRole("button", { name: "Note" });
    expect(toggle.getAttribute("aria-pressed")).toBe("false");
    await userEvent.click(toggle);
    expect(toggle.getAttribute("aria-pressed")).toBe("true");
    expect(screen.getByText(noteLabel)).toBeTruthy();
    const box = screen.getByRole("textbox", { name: noteLabel });
    await userEvent.type(box, "Refund approved{Enter}");
    expect(note).toHaveBeenCalledWith("Refund approved", []);
    expect(send).not.toHaveBeenCalled();
    expect(typing).not.toHaveBeenCalled();
    expect(screen.getByRole("button", { name: "Add note" })).toBeTruthy();
    // Each mode keeps its own draft: a note being written never becomes a reply by switching.
    await userEvent.type(box, "Only for the team");
    await userEvent.keyboard("{Alt>}n{/Alt}");
    const reply = screen.getByRole("textbox", { name: "Reply" }) as HTMLTextAreaElement;
    expect(reply.value).toBe("");
    expect(screen.queryByText(noteLabel)).toBeNull();
    await userEvent.type(reply, "Hello");
    await userEvent.keyboard("{Alt>}n{/Alt}");
    expect((screen.getByRole("textbox", { name: noteLabel }) as HTMLTextAreaElement).value).toBe("Only for the team");
  });

  it("completes @ into a mention with the keyboard", async () => {
    const note = vi.fn(async () => {});
    render(<Composer send={async () => {}} typing={() => {}} note={note} agents={agents} noteOnly />);
    const box = screen.getByRole("textbox", { name: noteLabel });
    await userEvent.type(box, "Can you check, @");
    const list = screen.getByRole("listbox", { name: "Mention an agent" });
    expect(list.textContent).toContain("Bo Lind");
    await userEvent.keyboard("{ArrowDown}");
    expect(box.getAttribute("aria-activedescendant")).toBe("mention-ag_cy");
    await userEvent.keyboard("{ArrowUp}{Enter}");
    expect(screen.queryByRole("listbox")).toBeNull();
    expect((box as HTMLTextAreaElement).value).toBe("Can you check, @Bo Lind ");
    await userEvent.type(box, "thanks{Enter}");
    expect(note).toHaveBeenCalledWith("Can you check, @Bo Lind thanks", ["ag_bo"]);
    expect(screen.queryByRole("button", { name: "Note" })).toBeNull();
  });
});
