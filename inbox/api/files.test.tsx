import { describe, expect, it } from "vitest";
import { attachmentInput } from "./files.ts";

describe("attachments as messages", () => {
  it("shows images inline and anything else as a file to download", () => {
    expect(
      attachmentInput({ url: "https://r.example/v1/files/a", name: "shot.png", size: 10, mimeType: "image/png" }),
    ).toEqual({ type: "image", content: { url: "https://r.example/v1/files/a", alt: "shot.png" } });
    expect(
      attachmentInput({ url: "https://r.example/v1/files/b", name: "a.pdf", size: 20, mimeType: "application/pdf" }),
    ).toEqual({
      type: "file",
      content: { url: "https://r.example/v1/files/b", name: "a.pdf", size: 20, mimeType: "application/pdf" },
    });
  });
});
