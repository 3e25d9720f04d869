import { attachmentInput, maxFileBytes, type StoredFile } from "../../shared/attachment.ts";
import type { TypedMessageInput } from "../../shared/schemas/message.ts";

/** Why an upload failed: the relay's own words, or "" when it could not be asked (offline) or the file is too large ("too_large"). */
export class UploadError extends Error {}

/**
 * Uploads one file to POST /v1/files with the visitor's credentials (`Authorization: Visitor`
 * and the site key) and answers the image or file message that carries it.
 */
export async function uploadFile(
  baseUrl: string,
  siteKey: string,
  token: string,
  file: File,
): Promise<TypedMessageInput> {
  // The relay's cap (POST /v1/files): larger files are refused here, before any byte is sent.
  if (file.size > maxFileBytes) throw new UploadError("too_large");
  const form = new FormData();
  form.append("file", file, file.name);
  let res: Response;
  try {
    res = await fetch(`${baseUrl}/v1/files`, {
      method: "POST",
      credentials: "omit",
      headers: { authorization: `Visitor ${token}`, "x-parley-site": siteKey },
      body: form,
    });
  } catch {
    throw new UploadError("");
  }
  const body = (await res.json().catch(() => null)) as (StoredFile & { error?: { message?: string } }) | null;
  if (!res.ok || !body?.url) throw new UploadError(body?.error?.message ?? "");
  return attachmentInput(body);
}
