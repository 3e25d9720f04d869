// @vitest-environment jsdom
import { describe, expect, it, vi } from "vitest";
import { cleanup, render, screen } from "@testing-library/preact";
import userEvent from "@testing-library/user-event";
import { afterEach } from "vitest";
import { MessageContent, messageCss, messagePreview, formatBytes } from "../../widget/app/messages/index.ts";

afterEach(cleanup);

describe("message renderers", () => {
  it("renders text inert and makes links clickable", () => {
    const { container } = render(
      <MessageContent
        message={{
          type: "text",
          content: { text: "<img src=x onerror=alert(1)> see https://example.com/a?b=1. or www.example.org\nline two" },
        }}
      />,
    );
    expect(container.querySelector("img")).toBeNull();
    expect(container.textContent).toContain("<img src=x onerror=alert(1)>");
    const links = screen.getAllByRole("link");
    expect(links.map((a) => a.getAttribute("href"))).toEqual(["https://example.com/a?b=1", "https://www.example.org/"]);
    expect(links[0]!.getAttribute("rel")).toContain("noopener");
    expect(container.textContent).toContain("b=1. or");
  });

  it("never turns javascript: into a link", () => {
    render(
      <MessageContent
        message={{
          type: "cards",
          content: { cards: [{ title: "T", buttons: [{ title: "Go", url: "javascript:alert(1)" }] }] },
        }}
      />,
    );
    expect(screen.queryByRole("link")).toBeNull();
  });

  it("shows quick replies as buttons that report the choice", async () => {
    const onQuickReply = vi.fn();
    render(
      <MessageContent
        message={{
          type: "quick_replies",
          content: {
            text: "Pick one",
            options: [
              { title: "Sales", payload: "sales" },
              { title: "Support", payload: "support" },
            ],
          },
        }}
        onQuickReply={onQuickReply}
      />,
    );
    expect(screen.getByText("Pick one")).toBeTruthy();
    await userEvent.click(screen.getByRole("button", { name: "Support" }));
    expect(onQuickReply).toHaveBeenCalledWith({ title: "Support", payload: "support" });
  });

  it("hides quick-reply buttons when no choice can be made", () => {
    render(
      <MessageContent
        message={{ type: "quick_replies", content: { text: "Pick one", options: [{ title: "Sales", payload: "s" }] } }}
      />,
    );
    expect(screen.queryByRole("button")).toBeNull();
  });

  it("renders cards with link and payload buttons", async () => {
    const onQuickReply = vi.fn();
    render(
      <MessageContent
        message={{
          type: "cards",
          content: {
            cards: [
              {
                title: "Plan A",
                text: "Cheap",
                imageUrl: "https://example.com/a.png",
                buttons: [
                  { title: "Details", url: "https://example.com/a" },
                  { title: "Buy", payload: "buy-a" },
                ],
              },
              { title: "Plan B" },
            ],
          },
        }}
        onQuickReply={onQuickReply}
      />,
    );
    expect(screen.getAllByRole("listitem")).toHaveLength(2);
    expect(screen.getByRole("link", { name: "Details" }).getAttribute("href")).toBe("https://example.com/a");
    await userEvent.click(screen.getByRole("button", { name: "Buy" }));
    expect(onQuickReply).toHaveBeenCalledWith({ title: "Buy", payload: "buy-a" });
  });

  it("renders images, files, locations and contacts", () => {
    const { container, rerender } = render(
      <MessageContent
        message={{
          type: "image",
          content: { url: "https://example.com/cat.png", alt: "A cat", width: 300, height: 200 },
        }}
      />,
    );
    expect(screen.getByRole("img", { name: "A cat" }).getAttribute("src")).toBe("https://example.com/cat.png");
    rerender(
      <MessageContent
        message={{
          type: "file",
          content: { url: "https://example.com/f.pdf", name: "invoice.pdf", size: 2048, mimeType: "application/pdf" },
        }}
      />,
    );
    expect(screen.getByRole("link", { name: /^invoice\.pdf ?, 2\.0 KB$/ })).toBeTruthy();
    rerender(
      <MessageContent
        message={{
          type: "location",
          content: { latitude: 59.33, longitude: 18.07, name: "Office", address: "Main street 1" },
        }}
      />,
    );
    expect(container.textContent).toContain("Office");
    expect(container.textContent).toContain("Main street 1");
    expect(screen.getByRole("link", { name: "Open map" }).getAttribute("href")).toContain("59.33");
    rerender(
      <MessageContent
        message={{ type: "contact", content: { name: "Ada", phone: "+46 70 123", email: "ada@example.com" } }}
        strings={{ call: "Ring" }}
      />,
    );
    expect(screen.getByRole("link", { name: "Ring +46 70 123" }).getAttribute("href")).toBe("tel:+4670123");
    expect(screen.getByRole("link", { name: "Email ada@example.com" }).getAttribute("href")).toBe(
      "mailto:ada@example.com",
    );
  });

  it("marks a streaming message busy and shows the visitor's choice", () => {
    const { container, rerender } = render(
      <MessageContent message={{ type: "text", content: { text: "Thinking" }, state: "streaming" }} />,
    );
    expect(container.querySelector("[aria-busy=true]")).not.toBeNull();
    rerender(<MessageContent message={{ type: "quick_reply", content: { title: "Sales", payload: "s" } }} />);
    expect(container.textContent).toBe("Sales");
    expect(container.querySelector("[aria-busy]")).toBeNull();
  });

  it("has previews, sizes and a stylesheet", () => {
    expect(messagePreview({ type: "cards", content: { cards: [{ title: "Plan A" }] } })).toBe("Plan A");
    expect(messagePreview({ type: "quick_reply", content: { title: "Yes", payload: "y" } })).toBe("Yes");
    expect(formatBytes(10)).toBe("10 B");
    expect(formatBytes(5 * 1024 * 1024)).toBe("5.0 MB");
    expect(messageCss).toContain(".pm-option");
  });
});
