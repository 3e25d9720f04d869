import { describe, expect, it } from "vitest";
import { readConfig } from "../config.ts";
import { noticeHtml, noticeText, renderHtml, renderText, transcriptHtml, transcriptText } from "./compose.ts";
import { replyTokenOf } from "./inbound.ts";

describe("email configuration", () => {
  it("defaults the delay to 300 s and refuses bad values by name", () => {
    expect(readConfig({}).email).toMatchObject({ delaySeconds: 300, smtpUrl: undefined, inboundSmtpPort: undefined });
    expect(() => readConfig({ PARLEY_EMAIL_DELAY_S: "soon" })).toThrow(/PARLEY_EMAIL_DELAY_S/);
    expect(() => readConfig({ SMTP_URL: "http://mail.example.com" })).toThrow(/SMTP_URL/);
    expect(() => readConfig({ PARLEY_INBOUND_SMTP_PORT: "70000" })).toThrow(/PARLEY_INBOUND_SMTP_PORT/);
    expect(() => readConfig({ PARLEY_EMAIL_DOMAIN: "not a domain" })).toThrow(/PARLEY_EMAIL_DOMAIN/);
    expect(() => readConfig({ PARLEY_EMAIL_FROM: "nobody" })).toThrow(/PARLEY_EMAIL_FROM/);
  });
});

describe("reply addresses", () => {
  const token = "a".repeat(40);
  it("finds the token only in a reply address of the configured domain", () => {
    expect(replyTokenOf([`Support <reply+${token}@Reply.Example.com>`.replace(/^.*</, "<")], "reply.example.com")).toBe(
      token,
    );
    expect(replyTokenOf([`reply+${token}@other.example`], "reply.example.com")).toBeNull();
    expect(replyTokenOf([`reply+short@reply.example.com`], "reply.example.com")).toBeNull();
  });
});

describe("the email body", () => {
  it("escapes what agents wrote in the HTML part and keeps it in the text part", () => {
    const content = {
      siteName: "Acme <Shop>",
      colour: "#ff0000",
      pageUrl: "https://shop.example/cart",
      lines: [{ from: "Ann", at: "", text: "<script>alert(1)</script> & more" }],
    };
    const html = renderHtml(content);
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;");
    expect(html).toContain("Acme &lt;Shop&gt;");
    expect(html).toContain("https://shop.example/cart");
    expect(renderText(content)).toContain("<script>alert(1)</script> & more");
  });
});

describe("the transcript and the agents' notifications", () => {
  const hostile = "<img src=x onerror=alert(1)>";
  it("escape what anyone wrote in the HTML part, keep it in the text part, and show when each message was written", () => {
    const content = {
      siteName: "Fjord <Shop>",
      colour: "javascript:alert(1)",
      pageUrl: null,
      lines: [
        { from: "Sofie", at: "2026-12-01T09:30:12.000Z", text: hostile },
        { from: "Ann", at: "2026-12-01T09:31:00.000Z", text: "Yes" },
      ],
    };
    const html = transcriptHtml(content);
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(html).not.toContain("javascript:");
    expect(html).toContain("2026-12-01 09:30 UTC");
    expect(html).not.toContain("Continue the chat");
    const text = transcriptText(content);
    expect(text).toContain(`Sofie (2026-12-01 09:30 UTC):\n${hostile}`);
    expect(text.indexOf("Sofie")).toBeLessThan(text.indexOf("Ann"));
  });

  it("link the notification to the conversation in the inbox", () => {
    const notice = {
      siteName: "Fjord Shop",
      colour: "#0f766e",
      headline: "You were mentioned",
      about: hostile,
      line: { from: "Ann", at: "", text: "Call her back" },
      inboxUrl: "https://chat.example.com/inbox/#/conversations/conv_1",
    };
    const html = noticeHtml(notice);
    expect(html).toContain('href="https://chat.example.com/inbox/#/conversations/conv_1"');
    expect(html).not.toContain("<img");
    expect(noticeText(notice)).toContain("Open it in the inbox: https://chat.example.com/inbox/#/conversations/conv_1");
  });
});
