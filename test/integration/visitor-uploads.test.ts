import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { databases } from "../helpers/services.ts";
import { clientId, connectVisitor, type Visitor } from "./realtime-helpers.ts";

/**
 * The widget uploads attachments through POST /v1/files with its visitor credentials
 * (`Authorization: Visitor vt_…` + `X-Parley-Site: pk_…`), origin-checked like the socket
 * handshake, and then sends them as image or file messages.
 */
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.from("rest of a tiny png"),
]);
const SHOP = "https://shop.example";

async function upload(
  server: TestServer,
  headers: Record<string, string>,
  file = { bytes: PNG, type: "image/png", name: "photo.png" },
) {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
  const res = await fetch(`${server.url}/v1/files`, { method: "POST", headers, body: form });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

const asVisitor = (v: Visitor, siteKey: string, origin = SHOP) => ({
  authorization: `Visitor ${v.welcome.visitorToken}`,
  "x-parley-site": siteKey,
  origin,
});

for (const db of databases()) {
  describe.skipIf(!db.available)(`visitor uploads (${db.name})`, () => {
    let server: TestServer;
    let visitor: Visitor;
    let otherSiteKey: string;
    let otherVisitor: Visitor;

    beforeAll(async () => {
      server = await startTestServer({ db: db.name });
      const site = (await server.api("GET", "/v1/sites")).body.items.find(
        (s: { siteKey: string }) => s.siteKey === server.siteKey,
      );
      expect((await server.api("PATCH", `/v1/sites/${site.id}`, { allowedOrigins: [SHOP] })).status).toBe(200);
      const other = await server.api("POST", "/v1/sites", { name: "Other shop" });
      otherSiteKey = other.body.siteKey;
      visitor = await connectVisitor(server.url, { siteKey: server.siteKey }, SHOP);
      otherVisitor = await connectVisitor(server.url, { siteKey: otherSiteKey });
    });

    afterAll(async () => {
      visitor?.close();
      otherVisitor?.close();
      await server?.close();
    });

    it("stores the visitor's file and the visitor sends it as an image message that agents see", async () => {
      const res = await upload(server, asVisitor(visitor, server.siteKey));
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: "photo.png", size: PNG.length, mimeType: "image/png" });
      expect(res.headers.get("access-control-allow-origin")).toBe("*");

      const sent = await visitor.call("send", {
        clientId: clientId(),
        message: { type: "image", content: { url: res.body.url, alt: "photo.png" } },
      });
      expect(sent.ok).toBe(true);
      const history = await server.api("GET", `/v1/conversations/${sent.conversation.id}/messages`);
      expect(history.body.items[0]).toMatchObject({
        type: "image",
        sender: { type: "contact" },
        content: { url: res.body.url, alt: "photo.png" },
      });
      const served = await fetch(res.body.url);
      expect(served.status).toBe(200);
      expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true);

      // The file belongs to the visitor's contact (so that erasing the contact erases it).
      const row = await server.parley.ctx.db
        .selectFrom("files")
        .select(["contact_id", "uploaded_by"])
        .where("name", "=", "photo.png")
        .executeTakeFirstOrThrow();
      const conversation = await server.api("GET", `/v1/conversations/${sent.conversation.id}`);
      expect(row).toEqual({ contact_id: conversation.body.contact.id, uploaded_by: visitor.welcome.visitorId });
    });

    it("answers the browser's preflight for the widget's headers", async () => {
      const res = await fetch(`${server.url}/v1/files`, {
        method: "OPTIONS",
        headers: {
          origin: SHOP,
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization,x-parley-site",
        },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("x-parley-site");
    });

    it("refuses uploads without a token, with an unknown token, without or with a wrong site key", async () => {
      const cases: Record<string, string>[] = [
        { "x-parley-site": server.siteKey, origin: SHOP },
        { authorization: "Visitor vt_not-a-real-token", "x-parley-site": server.siteKey, origin: SHOP },
        { authorization: `Visitor ${visitor.welcome.visitorToken}`, origin: SHOP },
        { authorization: `Visitor ${visitor.welcome.visitorToken}`, "x-parley-site": "pk_unknown", origin: SHOP },
        { authorization: `Visitor ${visitor.welcome.visitorToken}`, "x-parley-site": otherSiteKey, origin: SHOP },
      ];
      for (const headers of cases) {
        const res = await upload(server, headers);
        expect(res.status, JSON.stringify(headers)).toBe(401);
        expect(res.body.error.code).toBe("unauthorized");
      }
    });

    it("refuses a page on an origin the site does not allow", async () => {
      const res = await upload(server, asVisitor(visitor, server.siteKey, "https://evil.example"));
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe("forbidden");
    });

    it("does not let another site's visitor upload as this site", async () => {
      const res = await upload(server, {
        authorization: `Visitor ${otherVisitor.welcome.visitorToken}`,
        "x-parley-site": server.siteKey,
        origin: SHOP,
      });
      expect(res.status).toBe(401);
      // …while on its own site it may.
      expect((await upload(server, asVisitor(otherVisitor, otherSiteKey))).status).toBe(201);
    });

    it("accepts visitor credentials nowhere else in the API", async () => {
      for (const [method, path] of [
        ["GET", "/v1/conversations"],
        ["GET", "/v1/sites"],
        ["POST", "/v1/conversations"],
      ] as const) {
        const res = await fetch(`${server.url}${path}`, {
          method,
          headers: { ...asVisitor(visitor, server.siteKey), "content-type": "application/json" },
          body: method === "POST" ? JSON.stringify({ message: { text: "hi" } }) : undefined,
        });
        expect(res.status, `${method} ${path}`).toBe(401);
      }
    });

    it("applies the upload checks: a type not allowed is 415 and stores nothing", async () => {
      const before = await server.parley.ctx.db
        .selectFrom("files")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow();
      const res = await upload(server, asVisitor(visitor, server.siteKey), {
        bytes: Buffer.from("<svg onload=alert(1)>"),
        type: "image/svg+xml",
        name: "x.svg",
      });
      expect(res.status).toBe(415);
      const after = await server.parley.ctx.db
        .selectFrom("files")
        .select((eb) => eb.fn.countAll().as("n"))
        .executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(Number(before.n));
    });
  });
}

describe("visitor uploads are rate limited", () => {
  let server: TestServer;
  let visitor: Visitor;
  beforeAll(async () => {
    server = await startTestServer({ env: { PARLEY_RATE_LIMIT: "3" } });
    visitor = await connectVisitor(server.url, { siteKey: server.siteKey });
  });
  afterAll(async () => {
    visitor?.close();
    await server?.close();
  });

  it("answers 429 rate_limited with Retry-After once the visitor has used its requests", async () => {
    const statuses: number[] = [];
    let limited: Awaited<ReturnType<typeof upload>> | undefined;
    for (let i = 0; i < 5 && !limited; i++) {
      const res = await upload(server, {
        authorization: `Visitor ${visitor.welcome.visitorToken}`,
        "x-parley-site": server.siteKey,
      });
      statuses.push(res.status);
      if (res.status === 429) limited = res;
    }
    expect(statuses[0]).toBe(201);
    expect(limited?.body.error.code).toBe("rate_limited");
    expect(Number(limited?.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});
