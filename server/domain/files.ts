import crypto from "node:crypto";
import type { Ctx, Principal } from "./context.ts";
import { hashToken, newId } from "./secrets.ts";
import { invalid, ParleyError } from "./errors.ts";
import { authorize } from "./permissions.ts";
import { resolveSiteId } from "./sites.ts";
import type { FilesTable } from "../store/tables.ts";
import { fileTypes, maxFileBytes, type FileType, type StoredFile } from "../../shared/attachment.ts";

/**
 * The types accepted (shared/attachment.ts), each with the bytes its content must start with where
 * the format has a signature (so that an HTML page cannot pass as an image).
 */
const allowed: Record<FileType, ((b: Buffer) => boolean) | null> = {
  "image/png": (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  "image/jpeg": (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  "image/gif": (b) =>
    b.subarray(0, 6).toString("latin1") === "GIF87a" || b.subarray(0, 6).toString("latin1") === "GIF89a",
  "image/webp": (b) =>
    b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString("latin1") === "WEBP",
  "application/pdf": (b) => b.subarray(0, 5).toString("latin1") === "%PDF-",
  "application/zip": (b) => b[0] === 0x50 && b[1] === 0x4b,
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b) => b[0] === 0x50 && b[1] === 0x4b,
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b) => b[0] === 0x50 && b[1] === 0x4b,
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": (b) => b[0] === 0x50 && b[1] === 0x4b,
  "text/plain": null,
  "text/csv": null,
};

export const allowedFileTypes = Object.keys(fileTypes) as FileType[];
const isAllowed = (type: string): type is FileType => Object.hasOwn(fileTypes, type);

const byExtension: Record<string, FileType> = Object.fromEntries(
  allowedFileTypes.flatMap((type) => fileTypes[type].map((ext) => [ext, type])),
);

/**
 * The upload's type: as declared, or — when the client declared none or only
 * application/octet-stream, as a plain FormData blob does — from the content's signature, then
 * from the name's extension.
 */
export function fileType(name: string, declared: string, data: Buffer): string {
  const type = declared.toLowerCase().split(";")[0]!.trim();
  if (type && type !== "application/octet-stream") return type;
  const ext = name.toLowerCase().split(".").pop() ?? "";
  const sniffed = Object.entries(allowed).find(([, signature]) => signature?.(data))?.[0];
  if (sniffed && sniffed !== "application/zip") return sniffed;
  return byExtension[ext] ?? sniffed ?? type;
}

function looksLikeMarkup(data: Buffer): boolean {
  return /^(\ufeff|\s)*</.test(data.subarray(0, 256).toString("utf8"));
}

/** A file name safe to store and to send back in Content-Disposition: no paths, no control characters. */
function cleanName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const cleaned = base
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
    .replace(/[\u0000-\u001f\u007f]/g, "")
    .trim()
    .slice(0, 255);
  return cleaned || "file";
}

/** Stores an upload and answers where it can be fetched: a URL with a 192-bit random key. */
export async function storeFile(
  ctx: Ctx,
  p: Principal,
  upload: { name: string; mimeType: string; data: Buffer; siteId?: string; contactId?: string | null },
): Promise<StoredFile> {
  const mimeType = fileType(upload.name, upload.mimeType, upload.data);
  if (!isAllowed(mimeType)) {
    throw new ParleyError("unsupported_media_type", `Files of type ${mimeType || "(none)"} are not accepted`, [
      { path: "file", message: `allowed types: ${allowedFileTypes.join(", ")}` },
    ]);
  }
  if (upload.data.length === 0) throw invalid("file", "the file is empty");
  if (upload.data.length > maxFileBytes)
    throw new ParleyError("payload_too_large", `A file may be at most ${maxFileBytes / 1024 / 1024} MB`);
  // Markup under a binary type is the one lie that matters: it is what a browser could run.
  if (allowed[mimeType] && looksLikeMarkup(upload.data))
    throw new ParleyError("unsupported_media_type", `The file's content is not ${mimeType}`, [
      { path: "file", message: "content does not match its type" },
    ]);

  authorize(p, "file.upload");
  const siteId = await resolveSiteId(ctx, p, upload.siteId);
  authorize(p, "file.upload", { siteId });
  const key = crypto.randomBytes(24).toString("base64url");
  const name = cleanName(upload.name);
  const uploadedBy =
    p.kind === "agent" ? p.agentId : p.kind === "token" ? p.tokenId : p.kind === "visitor" ? p.visitorId : "system";
  await ctx.db
    .insertInto("files")
    .values({
      id: newId("file"),
      site_id: siteId,
      contact_id: p.kind === "visitor" ? p.contactId : (upload.contactId ?? null),
      uploaded_by: uploadedBy,
      key_hash: hashToken(key),
      name,
      mime_type: mimeType,
      size: upload.data.length,
      data: upload.data,
      created_at: ctx.now(),
    })
    .execute();
  return { url: `${ctx.publicUrl}/v1/files/${key}`, name, size: upload.data.length, mimeType };
}

/** The file behind a URL key, or null: the key itself is the permission to read it. */
export async function readFile(
  ctx: Ctx,
  key: string,
): Promise<Pick<FilesTable, "name" | "mime_type" | "size" | "data"> | null> {
  if (!/^[A-Za-z0-9_-]{32}$/.test(key)) return null;
  const row = await ctx.db
    .selectFrom("files")
    .select(["name", "mime_type", "size", "data"])
    .where("key_hash", "=", hashToken(key))
    .executeTakeFirst();
  return row ? { ...row, data: Buffer.from(row.data) } : null;
}
