import type { RequestHandler } from "express";
import helmet from "helmet";

/**
 * Security headers, set by helmet, chosen by path (docs/deployment.md lists them):
 *
 * - What the widget loads from the host site's origin — `/widget.js`, its chunks under `/assets/`
 *   and the API under `/v1/` (uploaded files included) — gets only the headers that cannot break
 *   an embedding: nosniff, a referrer policy, and `Cross-Origin-Resource-Policy: cross-origin` so
 *   that host pages with an embedder policy can load it too. No CSP, no framing rule, no COEP.
 *   (socket.io answers before Express and is not affected.)
 * - Everything else is a page of Parley's own (the demo at `/`, the inbox, the API reference):
 *   a strict CSP that allows only Parley's origin and no inline or eval'd script, no framing at
 *   all (clickjacking of the agents' app), nosniff and a same-origin referrer policy.
 *
 * HSTS is left to the TLS-terminating proxy, which knows whether the whole host is HTTPS.
 */
export function securityHeaders(): RequestHandler {
  return (req, res, next) => (crossOrigin(req.path) ? resources(req, res, next) : pages(req, res, next));
}

const crossOrigin = (path: string) => path === "/widget.js" || path.startsWith("/assets/") || path.startsWith("/v1/");

const pages = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      "default-src": ["'self'"],
      "script-src": ["'self'"],
      // Preact's style props set CSSOM properties, which CSP allows; style attributes in markup are refused.
      "style-src": ["'self'"],
      // data: for the pages' empty favicon and Swagger UI's icons.
      "img-src": ["'self'", "data:"],
      "font-src": ["'self'"],
      // 'self' includes the same origin's ws:/wss: for socket.io.
      "connect-src": ["'self'"],
      "object-src": ["'none'"],
      "base-uri": ["'self'"],
      "form-action": ["'self'"],
      "frame-ancestors": ["'none'"],
    },
  },
  crossOriginOpenerPolicy: { policy: "same-origin" },
  crossOriginResourcePolicy: { policy: "same-origin" },
  referrerPolicy: { policy: "same-origin" },
  strictTransportSecurity: false,
  xFrameOptions: { action: "deny" },
});

const resources = helmet({
  contentSecurityPolicy: false,
  crossOriginEmbedderPolicy: false,
  crossOriginOpenerPolicy: false,
  crossOriginResourcePolicy: { policy: "cross-origin" },
  originAgentCluster: false,
  referrerPolicy: { policy: "no-referrer" },
  strictTransportSecurity: false,
  xFrameOptions: false,
});
