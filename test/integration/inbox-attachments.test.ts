import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { databases } from "../helpers/services.ts";

const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from("rest of a tiny png"),
]);

async function upload(
  server: TestServer,
  file: { bytes: Buffer; type: string; name: string } | null,
  headers: Record<string, string> = { authorization: `Bearer ${server.token}` },
  field = "file",
) {
  const form = new FormData();
  if (file) form.append(field, new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
  else form.append("note", "no file here");
  const res = await fetch(`${server.url}/v1/files`, { method: "POST", headers, body: form });
  return { status: res.status, body: await res.json() };
}

for (const db of databases()) {
  describe.skipIf(!db.available)(`attachments (${db.name})`, () => {
    let server: TestServer;
    beforeAll(async () => {
      server = await startTestServer({ db: db.name });
    });
    afterAll(async () => {
      await server?.close();
    });

    it("stores an image and serves it from an unguessable URL, usable in an image message", async () => {
      const res = await upload(server, { bytes: PNG, type: "image/png", name: "../../screen shot.png" });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: "screen shot.png", size: PNG.length, mimeType: "image/png" });
      expect(res.body.url).toMatch(new RegExp(`^${server.url}/v1/files/[A-Za-z0-9_-]{32}$`));

      const served = await fetch(res.body.url);
      expect(served.status).toBe(200);
      expect(served.headers.get("content-type")).toBe("image/png");
      expect(served.headers.get("x-content-type-options")).toBe("nosniff");
      expect(served.headers.get("content-security-policy")).toContain("sandbox");
      expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);

      const guessed = await fetch(res.body.url.replace(/.{4}$/, "AAAA"));
      expect(guessed.status).toBe(404);
      expect((await guessed.json()).error.code).toBe("not_found");

      const conv = await server.api("POST", "/v1/conversations", { contact: { name: "Ann" } });
      const message = await server.api("POST", `/v1/conversations/${conv.body.id}/messages`, {
        type: "image",
        content: { url: res.body.url, alt: "screen shot" },
      });
      expect(message.status).toBe(201);
    });

    it("offers a text file for download rather than showing it", async () => {
      const res = await upload(server, {
        bytes: Buffer.from("order,total\n1042,99\n"),
        type: "text/csv",
        name: "orders.csv",
      });
      expect(res.status).toBe(201);
      const served = await fetch(res.body.url);
      expect(served.headers.get("content-disposition")).toBe("attachment; filename*=UTF-8''orders.csv");
      expect(await served.text()).toBe("order,total\n1042,99\n");
    });

    it("refuses types outside the allowlist, and content that lies about its type, with 415", async () => {
      const html = await upload(server, {
        bytes: Buffer.from("<script>alert(1)</script>"),
        type: "text/html",
        name: "x.html",
      });
      expect(html.status).toBe(415);
      expect(html.body.error.code).toBe("unsupported_media_type");
      const svg = await upload(server, {
        bytes: Buffer.from("<svg onload=alert(1)>"),
        type: "image/svg+xml",
        name: "x.svg",
      });
      expect(svg.status).toBe(415);
      const fakePng = await upload(server, {
        bytes: Buffer.from("<html>not a png</html>"),
        type: "image/png",
        name: "x.png",
      });
      expect(fakePng.status).toBe(415);
    });

    it("takes a file whose client declared no type (a bare FormData blob) by its content, else by its name", async () => {
      const png = await upload(server, { bytes: PNG, type: "", name: "no-extension" });
      expect(png.status).toBe(201);
      expect(png.body.mimeType).toBe("image/png");
      const txt = await upload(server, {
        bytes: Buffer.from("hello"),
        type: "application/octet-stream",
        name: "notes.txt",
      });
      expect(txt.status).toBe(201);
      expect(txt.body.mimeType).toBe("text/plain");
      const unknown = await upload(server, { bytes: Buffer.from([1, 2, 3]), type: "", name: "setup.exe" });
      expect(unknown.status).toBe(415);
    });

    it("keeps the declared type of an allowed file whose bytes it cannot verify, since it is served with nosniff", async () => {
      const res = await upload(server, { bytes: Buffer.from("not really a png"), type: "image/png", name: "x.png" });
      expect(res.status).toBe(201);
      const served = await fetch(res.body.url);
      expect(served.headers.get("content-type")).toBe("image/png");
      expect(served.headers.get("x-content-type-options")).toBe("nosniff");
    });

    it("refuses a file over 10 MB with 413", async () => {
      const big = Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024)]);
      const res = await upload(server, { bytes: big, type: "image/png", name: "big.png" });
      expect(res.status).toBe(413);
      expect(res.body.error.code).toBe("payload_too_large");
    });

    it("needs a caller, a multipart body and the field `file`", async () => {
      expect((await upload(server, { bytes: PNG, type: "image/png", name: "a.png" }, {})).status).toBe(401);
      const missing = await upload(server, null);
      expect(missing.status).toBe(422);
      expect(missing.body.error.details[0].path).toBe("file");
      const wrongField = await upload(
        server,
        { bytes: PNG, type: "image/png", name: "a.png" },
        undefined,
        "attachment",
      );
      expect(wrongField.status).toBe(422);
      const json = await server.api("POST", "/v1/files", { file: "data" });
      expect(json.status).toBe(415);
    });

    it("takes uploads from a signed-in agent only with the CSRF header", async () => {
      const signIn = await fetch(`${server.url}/v1/inbox/session`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-parley-csrf": "1" },
        body: JSON.stringify({ email: "admin@localhost", password: server.adminPassword }),
      });
      const cookie = signIn.headers.get("set-cookie")!.split(";")[0]!;
      expect((await upload(server, { bytes: PNG, type: "image/png", name: "a.png" }, { cookie })).status).toBe(403);
      expect(
        (await upload(server, { bytes: PNG, type: "image/png", name: "a.png" }, { cookie, "x-parley-csrf": "1" }))
          .status,
      ).toBe(201);
    });
  });
}
