import type { TypedMessageInput } from "./schemas/message.ts";

/**
 * The upload limits of POST /v1/files, in one place: the relay enforces them, the widget and the
 * inbox check the size before sending a byte and offer these types in their file pickers.
 */
export const maxFileBytes = 10 * 1024 * 1024;

/**
 * The types accepted, each with the file name extensions it goes by (a browser that does not know
 * a type sends none; the relay then goes by the content's signature and the extension). SVG and
 * HTML are never accepted: they could run script when opened from Parley's origin.
 */
export const fileTypes = {
  "image/png": ["png"],
  "image/jpeg": ["jpg", "jpeg"],
  "image/gif": ["gif"],
  "image/webp": ["webp"],
  "application/pdf": ["pdf"],
  "application/zip": ["zip"],
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ["docx"],
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ["xlsx"],
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": ["pptx"],
  "text/plain": ["txt"],
  "text/csv": ["csv"],
} as const satisfies Record<string, readonly string[]>;
export type FileType = keyof typeof fileTypes;

/** A file picker's `accept`: every type and every extension accepted. */
export const fileAccept = Object.entries(fileTypes)
  .flatMap(([type, extensions]) => [type, ...extensions.map((e) => `.${e}`)])
  .join(",");

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
