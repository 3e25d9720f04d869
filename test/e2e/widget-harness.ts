/**
 * Shared by the widget's end-to-end suites: a host site on ANOTHER origin (a second tiny HTTP
 * server) that embeds the widget — under a strict CSP with hostile CSS, or plainly — plus a
 * prefix proxy (`/chat/*` → the relay, websockets included) and Chromium.
 */
import http from "node:http";
import net from "node:net";
import zlib from "node:zlib";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
export { launchChromium } from "../helpers/chromium.ts";

export const publicDir = path.resolve(import.meta.dirname, "../../dist/public");

/** Builds the front end when it is missing (npm test builds it first anyway). */
export function ensureBuilt(): void {
  if (fs.existsSync(path.join(publicDir, "widget.js"))) return;
  const res = spawnSync("npm", ["run", "--silent", "build"], {
    stdio: "inherit",
    cwd: path.resolve(import.meta.dirname, "../.."),
  });
  if (res.status !== 0) throw new Error("npm run build failed");
}

/**
 * The whole front end (widget, demo page, inbox) built into a fresh temporary directory for one
 * suite, so that no other build can change it underneath. Pass the answer as `publicDir`.
 */
export function buildFrontEnd(): string {
  const root = path.resolve(import.meta.dirname, "../..");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-e2e-"));
  const env = { ...process.env, PARLEY_BUILD_DIR: dir };
  const steps = [
    ["vite", "build", "--logLevel", "error"],
    ["vite", "build", "--mode", "loader", "--logLevel", "error"],
    ["vite", "build", "--config", "inbox/vite.config.ts", "--outDir", path.join(dir, "inbox"), "--logLevel", "error"],
  ];
  for (const args of steps) {
    const res = spawnSync("npx", args, { cwd: root, env, encoding: "utf8" });
    if (res.status !== 0) throw new Error(`npx ${args.join(" ")} failed:\n${res.stdout}${res.stderr}`);
  }
  return dir;
}

export const HOSTILE_CSS = `
* { all: unset !important; }
html { font-size: 48px !important; line-height: 3 !important; color: #0f0 !important; letter-spacing: 4px !important; }
button { display: none !important; }
div, section, textarea { display: none !important; }
body > * { position: relative !important; transform: scale(0.5) !important; z-index: 1 !important; }
`;

export interface PageOptions {
  /** Relay base URL the script tag points at (the relay itself, or the host's /chat prefix proxy). */
  base: string;
  siteKey: string;
  /** Strict CSP (only the relay in script/connect/img-src, no inline anything) plus hostile CSS. */
  strict?: boolean;
  /** Inline script before widget.js (plain pages only): settings, stub calls. */
  inline?: string;
  /** Extra CSS for the host page (plain pages only, inline). */
  css?: string;
  /** How the page loads widget.js: the printed snippet (default), the tag without `data-site` (the key then comes from parleySettings.site), or not at all (the inline script loads it). */
  tag?: "snippet" | "no-data-site" | "none";
}

export interface HostSite {
  url: string;
  origin: string;
  /** Serves `html` at `/p/<name>` until the site closes. */
  page(name: string, opts: PageOptions): string;
  /** Serves `html` as it is at `/p/<name>` under `csp`, and each of `scripts` (.js, .css) at `/p/<name>/<file>` (same origin: `'self'`). */
  raw(name: string, html: string, csp?: string, scripts?: Record<string, string>): string;
  close(): Promise<void>;
}

/** The host site on another port (so another origin), with the /chat prefix proxy to `relay`. */
export async function startHostSite(relay: string): Promise<HostSite> {
  const pages = new Map<string, { html: string; csp?: string }>();
  const scripts = new Map<string, string>();
  const relayUrl = new URL(relay);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://host");
    if (url.pathname.startsWith("/chat/")) return proxy(req, res, url);
    if (url.pathname === "/favicon.ico") return void res.writeHead(204).end();
    if (url.pathname === "/hostile.css")
      return void res.writeHead(200, { "content-type": "text/css" }).end(HOSTILE_CSS);
    const js = scripts.get(url.pathname);
    if (js !== undefined) {
      const type = url.pathname.endsWith(".css") ? "text/css" : "text/javascript";
      return void res.writeHead(200, { "content-type": type }).end(js);
    }
    const p = pages.get(url.pathname);
    if (!p) return void res.writeHead(404).end("not found");
    res.writeHead(200, {
      "content-type": "text/html; charset=utf-8",
      ...(p.csp ? { "content-security-policy": p.csp } : {}),
    });
    res.end(p.html);
  });
  function proxy(req: http.IncomingMessage, res: http.ServerResponse, url: URL) {
    const upstream = http.request(
      {
        host: relayUrl.hostname,
        port: relayUrl.port,
        method: req.method,
        path: url.pathname.slice("/chat".length) + url.search,
        headers: { ...req.headers, host: relayUrl.host },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  }
  // Websocket upgrades through the prefix: replay the request line and headers, then pipe bytes.
  server.on("upgrade", (req, socket, head) => {
    const target = net.connect(Number(relayUrl.port), relayUrl.hostname, () => {
      const p = (req.url ?? "/").replace(/^\/chat/, "");
      const headers = Object.entries(req.headers).map(([k, v]) => `${k}: ${k === "host" ? relayUrl.host : v}`);
      target.write(`${req.method} ${p} HTTP/1.1\r\n${headers.join("\r\n")}\r\n\r\n`);
      if (head.length) target.write(head);
      target.pipe(socket).pipe(target);
    });
    target.on("error", () => socket.destroy());
    socket.on("error", () => target.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://localhost:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    origin,
    page(name, opts) {
      const relayOrigin = new URL(opts.base).origin;
      const tag = opts.tag ?? "snippet";
      const script =
        tag === "none"
          ? ""
          : `<script src="${opts.base}/widget.js"${tag === "snippet" ? ` data-site="${opts.siteKey}"` : ""} async></script>`;
      const html = opts.strict
        ? `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Strict host</title><link rel="stylesheet" href="/hostile.css"></head><body><h1>Host page</h1><p>Some content.</p><button>Host button</button>${script}</body></html>`
        : `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Host</title>${opts.css ? `<style>${opts.css}</style>` : ""}</head><body><main><h1>Host page</h1><p>Some content.</p></main>${opts.inline ? `<script>${opts.inline}</script>` : ""}${script}</body></html>`;
      const csp = opts.strict
        ? `default-src 'none'; script-src ${relayOrigin}; connect-src ${relayOrigin}; img-src ${relayOrigin}; style-src 'self'; font-src 'none'; base-uri 'none'; form-action 'none'`
        : undefined;
      pages.set(`/p/${name}`, { html, csp });
      return `${origin}/p/${name}`;
    },
    raw(name, html, csp, files = {}) {
      pages.set(`/p/${name}`, { html, csp });
      for (const [file, js] of Object.entries(files)) scripts.set(`/p/${name}/${file}`, js);
      return `${origin}/p/${name}`;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The widget's shadow-root element (Playwright's role locators pierce open shadow roots). */
export const widget = (page: Page) => page.locator("parley-widget");

/** Messages in the log as "sender: text", in order. */
export async function logLines(page: Page): Promise<string[]> {
  return page
    .locator("parley-widget [role=log] [data-sender]")
    .evaluateAll((els) =>
      els.map((el) => `${el.getAttribute("data-sender")}: ${el.querySelector(".bubble")?.textContent ?? ""}`),
    );
}

/** Console errors and CSP violations a page reports. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" && !/favicon/.test(m.text())) errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(e.message));
  return errors;
}

/** A real PNG of `width`×`height` (a diagonal gradient), so that browsers decode and show something. */
export function pngImage(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
    const out = Buffer.alloc(body.length + 8);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(zlib.crc32(body), body.length + 4);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * (width * 3 + 1) + 1 + x * 3;
      rows.set([Math.round((255 * x) / width), 120, Math.round((255 * y) / height)], i);
    }
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([
    signature,
    chunk("IHDR", header),
    chunk("IDAT", zlib.deflateSync(rows)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
