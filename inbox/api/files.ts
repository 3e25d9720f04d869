import type { TypedMessageInput } from "../../shared/schemas/index.ts";
import { attachmentInput, maxFileBytes, type StoredFile } from "../../shared/attachment.ts";
import type { Api } from "./client.ts";

export { attachmentInput, type StoredFile };

/** Uploads a file chosen by the agent and answers the message that shows it. */
export async function uploadAttachment(api: Api, file: File): Promise<TypedMessageInput> {
  // Refused here, before any byte is sent, as the relay would refuse it after.
  if (file.size > maxFileBytes) throw new Error(`A file may be at most ${maxFileBytes / 1024 / 1024} MB`);
  return attachmentInput(await api.upload<StoredFile>("/v1/files", file, file.name));
}
