import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { databases } from "../helpers/services.ts";

/**
 * Security headers over real HTTP: the pages (demo, inbox, API reference) are strict — no inline
 * or eval'd script, no framing, no sniffing — while what the widget loads from another origin
 * (widget.js, its chunks, /v1) keeps working there: nosniff, but no same-origin resource policy,
 * no embedder policy and no frame-ancestors.
 */

/** The front end as the server serves it, reduced to the files these tests ask for. */
function tinyFrontEnd(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-headers-"));
  fs.mkdirSync(path.join(dir, "inbox"));
  fs.mkdirSync(path.join(dir, "assets"));
  fs.writeFileSync(path.join(dir, "index.html"), "<!doctype html><title>demo</title>");
  fs.writeFileSync(path.join(dir, "inbox", "index.html"), "<!doctype html><title>inbox</title>");
  fs.writeFileSync(path.join(dir, "widget.js"), "void 0;");
  fs.writeFileSync(path.join(dir, "assets", "app-AbCdEf12.js"), "export {};");
  return dir;
}

/** The CSP as a map of directive → sources. */
function csp(header: string | null): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of (header ?? "").split(";")) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

describe.each(databases())("security headers ($name)", ({ name, available }) => {
  let server: TestServer;
  let publicDir: string;
  beforeAll(async () => {
    if (!available) return;
    publicDir = tinyFrontEnd();
    server = await startTestServer({ db: name, publicDir });
  });
  afterAll(async () => {
    await server?.close();
    if (publicDir) fs.rmSync(publicDir, { recursive: true, force: true });
  });

  it.skipIf(!available).each(["/", "/inbox/", "/docs"])(
    "%s sends a strict CSP, nosniff, a referrer policy and cannot be framed",
    async (page) => {
      const res = await fetch(server.url + page);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      const policy = csp(res.headers.get("content-security-policy"));
      const scripts = policy.get("script-src") ?? policy.get("default-src");
      expect(scripts).toBeDefined();
      expect(scripts).not.toContain("'unsafe-inline'");
      expect(scripts).not.toContain("'unsafe-eval'");
      expect(scripts).not.toContain("*");
      expect(policy.get("object-src")).toEqual(["'none'"]);
      expect(policy.get("base-uri")).toEqual(["'self'"]);
      expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBeTruthy();
    },
  );

  it.skipIf(!available)("the API reference's initialiser is a script file the CSP allows", async () => {
    const page = await (await fetch(`${server.url}/docs`)).text();
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const init = await fetch(`${server.url}/docs/init.js`);
    expect(init.status).toBe(200);
    expect(init.headers.get("content-type")).toMatch(/javascript/);
    expect(init.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it.skipIf(!available).each(["/widget.js", "/assets/app-AbCdEf12.js", "/v1/widget/config?siteKey=:key"])(
    "%s stays loadable from another origin, and is not sniffed",
    async (resource) => {
      const res = await fetch(server.url + resource.replace(":key", server.siteKey), {
        headers: { origin: "https://shop.example" },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBeTruthy();
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
      expect(res.headers.get("cross-origin-resource-policy") ?? "cross-origin").toBe("cross-origin");
      expect(res.headers.get("cross-origin-embedder-policy")).toBeNull();
      expect(res.headers.get("x-frame-options")).toBeNull();
      expect(csp(res.headers.get("content-security-policy")).has("frame-ancestors")).toBe(false);
    },
  );

  it.skipIf(!available)("an uploaded file keeps its own sandboxing policy", async () => {
    const up = await fetch(`${server.url}/v1/files`, {
      method: "POST",
      headers: { authorization: `Bearer ${server.token}` },
      body: (() => {
        const form = new FormData();
        form.append("file", new Blob(["hello"], { type: "text/plain" }), "hello.txt");
        return form;
      })(),
    });
    expect(up.status).toBe(201);
    const res = await fetch((await up.json()).url, { headers: { origin: "https://shop.example" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
    expect(csp(res.headers.get("content-security-policy")).has("sandbox")).toBe(true);
  });
});
