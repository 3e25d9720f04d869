import type { TypedMessageInput } from "../../shared/schemas/index.ts";
import { attachmentInput, type StoredFile } from "../../shared/attachment.ts";
import type { Api } from "./client.ts";

export { attachmentInput, type StoredFile };

/** Uploads a file chosen by the agent and answers the message that shows it. */
export async function uploadAttachment(api: Api, file: File): Promise<TypedMessageInput> {
  return attachmentInput(await api.upload<StoredFile>("/v1/files", file, file.name));
}
