import type { TypedMessageInput } from "./schemas/message.ts";

/** What POST /v1/files answers. */
export interface StoredFile {
  url: string;
  name: string;
  size: number;
  mimeType: string;
}

/** An uploaded file as a message (the inbox and the widget both send them): images show inline, anything else as a download. */
export function attachmentInput(file: StoredFile): TypedMessageInput {
  if (file.mimeType.startsWith("image/")) return { type: "image", content: { url: file.url, alt: file.name } };
  return { type: "file", content: { url: file.url, name: file.name, size: file.size, mimeType: file.mimeType } };
}
