import { Router } from "express";
import { z } from "zod";
import { define } from "../route.ts";

const DemoConfig = z.object({ siteKey: z.string() }).meta({ id: "DemoConfig" });

/**
 * GET /v1/demo/config: the default site's public key, so that the demo page at / can embed the
 * widget without an inline script. Nothing secret: the site key is public.
 */
export function demoRoutes(siteKey: string): Router {
  const r = Router();
  define(
    r,
    {
      method: "get",
      path: "/v1/demo/config",
      tag: "Widget",
      summary: "The default site's key, for the demo page",
      action: "public",
      responses: { 200: { description: "The default site's public key", schema: DemoConfig } },
    },
    async () => ({ status: 200, body: { siteKey } }),
  );
  return r;
}
