import { Router, type Request, type Response } from "express";
import multer from "multer";
import { z } from "zod";
import type { Ctx } from "../../domain/context.ts";
import { ParleyError } from "../../domain/errors.ts";
import { allowedFileTypes, readFile, storeFile } from "../../domain/files.ts";
import { maxFileBytes } from "../../../shared/attachment.ts";
import { define, registry } from "../route.ts";
import { ErrorEnvelope, errorResponses } from "./common.ts";
import type { Limiters } from "../rate-limit.ts";
import { siteHeader, visitorAuth } from "../visitor-auth.ts";

const StoredFile = z
  .object({ url: z.string(), name: z.string(), size: z.number().int(), mimeType: z.string() })
  .meta({ id: "StoredFile", description: "Use as the content of an `image` or `file` message" });

const upload = multer({
  storage: multer.memoryStorage(),
  limits: { fileSize: maxFileBytes, files: 1, fields: 10, parts: 11, fieldSize: 1024 },
}).single("file");

/** Runs multer on the request; its and busboy's failures become the contract's errors. */
function receive(req: Request, res: Response): Promise<Express.Multer.File | undefined> {
  return new Promise((resolve, reject) => {
    upload(req, res, (err: unknown) => {
      if (!err) return resolve(req.file);
      if (err instanceof multer.MulterError) {
        if (err.code === "LIMIT_FILE_SIZE")
          return reject(new ParleyError("payload_too_large", `A file may be at most ${maxFileBytes / 1024 / 1024} MB`));
        return reject(
          new ParleyError("validation_failed", "Request validation failed", [
            { path: err.field ?? "file", message: "send exactly one file in the field `file`" },
          ]),
        );
      }
      reject(new ParleyError("bad_request", "Malformed multipart body"));
    });
  });
}

/**
 * Attachments: upload (multipart, field `file`) and download from the unguessable URL. Uploads
 * take an API token, an inbox session, or the widget's visitor credentials.
 */
export function fileRoutes(ctx: Ctx, limiters: Limiters): Router {
  const r = Router();
  r.post("/v1/files", visitorAuth(ctx, limiters));

  define(
    r,
    {
      method: "post",
      path: "/v1/files",
      tag: "Files",
      action: "file.upload",
      visitors: true,
      summary: "Upload an attachment",
      description: `multipart/form-data with the file in the field \`file\`; at most ${maxFileBytes / 1024 / 1024} MB, of a type in: ${allowedFileTypes.join(", ")}. The answer's \`url\` (unguessable; anyone holding it can read the file) serves it.\n\nThe widget uploads with its visitor credentials instead of a token: \`Authorization: Visitor vt_…\` and \`${siteHeader}: pk_…\` (the visitor token must belong to that site; the page's Origin must be one the site allows, else 403).`,
      multipart: true,
      responses: {
        201: { description: "Stored", schema: StoredFile },
        413: { description: "payload_too_large", schema: ErrorEnvelope },
        415: { description: "unsupported_media_type", schema: ErrorEnvelope },
        ...errorResponses,
      },
    },
    async ({ req, res, principal }) => {
      if (!req.is("multipart/form-data"))
        throw new ParleyError("unsupported_media_type", "Send the file as multipart/form-data in the field `file`");
      const file = await receive(req, res);
      if (!file)
        throw new ParleyError("validation_failed", "Request validation failed", [
          { path: "file", message: "required" },
        ]);
      const stored = await storeFile(ctx, principal, {
        name: file.originalname,
        mimeType: file.mimetype,
        data: file.buffer,
      });
      return { status: 201, body: stored };
    },
  );

  // Documentation only: the download answers the file's bytes, not JSON, so it is routed by hand below.
  registry.push({
    method: "get",
    path: "/v1/files/:key",
    tag: "Files",
    summary: "Download an attachment",
    description:
      "The `url` an upload answered. The unguessable key is the permission: no token needed. Answers the bytes with the file's type as Content-Type, `Content-Disposition` inline for images and PDF (attachment otherwise), `X-Content-Type-Options: nosniff` and a sandboxing Content-Security-Policy. Erasing the contact that uploaded the file, or in whose conversation it was sent, makes it 404.",
    params: z.object({ key: z.string().meta({ description: "The key in the file's URL" }) }),
    action: "public",
    responses: {
      200: { description: "The file's bytes" },
      404: { description: "not_found: no file has this key (or it was erased)", schema: ErrorEnvelope },
    },
  });
  r.get("/v1/files/:key", async (req, res) => {
    const file = await readFile(ctx, String(req.params.key));
    if (!file) throw new ParleyError("not_found", "File not found");
    const inline = file.mime_type.startsWith("image/") || file.mime_type === "application/pdf";
    res.setHeader("Content-Type", file.mime_type);
    res.setHeader("Content-Length", String(file.data.length));
    res.setHeader(
      "Content-Disposition",
      `${inline ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(file.name)}`,
    );
    res.setHeader("X-Content-Type-Options", "nosniff");
    res.setHeader("Content-Security-Policy", "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox");
    res.setHeader("Cross-Origin-Resource-Policy", "cross-origin");
    res.setHeader("Cache-Control", "private, max-age=31536000, immutable");
    res.status(200).end(file.data);
  });

  return r;
}
