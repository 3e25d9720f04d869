import { describe, expect, it } from "vitest";
import { maxFileBytes } from "../../shared/attachment.ts";
import type { Api } from "./client.ts";
import { attachmentInput, uploadAttachment } from "./files.ts";

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

  it("refuses a file larger than the relay accepts without uploading it", async () => {
    let uploads = 0;
    const api: Api = {
      get: async <T,>() => undefined as T,
      send: async <T,>() => undefined as T,
      upload: async <T,>() => {
        uploads++;
        return undefined as T;
      },
    };
    const big = { name: "big.pdf", size: maxFileBytes + 1, type: "application/pdf" } as File;
    await expect(uploadAttachment(api, big)).rejects.toThrow("A file may be at most 10 MB");
    expect(uploads).toBe(0);
  });
});
