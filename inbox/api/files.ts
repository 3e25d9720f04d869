import type { TypedMessageInput } from "../../shared/schemas/index.ts";
import type { Api } from "./client.ts";

/** What POST /v1/files answers. */
export interface StoredFile {
  url: string;
  name: string;
  size: number;
  mimeType: string;
}

/** An uploaded file as a message: images show inline, anything else as a download. */
export function attachmentInput(file: StoredFile): TypedMessageInput {
  if (file.mimeType.startsWith("image/")) return { type: "image", content: { url: file.url, alt: file.name } };
  return { type: "file", content: { url: file.url, name: file.name, size: file.size, mimeType: file.mimeType } };
}

/** Uploads a file chosen by the agent and answers the message that shows it. */
export async function uploadAttachment(api: Api, file: File): Promise<TypedMessageInput> {
  return attachmentInput(await api.upload<StoredFile>("/v1/files", file, file.name));
}
