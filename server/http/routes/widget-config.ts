import { Router } from "express";
import { z } from "zod";
import { PublicSiteConfig, text } from "../../../shared/schemas/index.ts";
import type { Ctx } from "../../domain/context.ts";
import { embeddedSite } from "../../domain/sites.ts";
import { liveSiteConfig } from "../../domain/availability.ts";
import { define } from "../route.ts";
import { ErrorEnvelope } from "./common.ts";

const WidgetConfigQuery = z.object({ siteKey: text(200).meta({ description: "The site's public key, pk_…" }) });

/**
 * GET /v1/widget/config: what the loader needs to paint the launcher in the site's theme,
 * without opening a socket. Public (the site key is public); refused to pages on origins the
 * site does not allow. A request without Origin is same-origin or not from a page.
 */
export function widgetConfigRoutes(ctx: Ctx): Router {
  const r = Router();
  define(
    r,
    {
      method: "get",
      path: "/v1/widget/config",
      tag: "Widget",
      summary: "The public configuration of a site's widget",
      description:
        "Theme, greeting and name for the embed script. No token: the site key is public. 403 when the page's Origin is not one of the site's allowed origins.",
      action: "public",
      query: WidgetConfigQuery,
      responses: {
        200: { description: "The site's public widget configuration", schema: PublicSiteConfig },
        403: { description: "forbidden: this origin may not embed the site", schema: ErrorEnvelope },
        404: { description: "not_found: unknown site key", schema: ErrorEnvelope },
        422: { description: "validation_failed", schema: ErrorEnvelope },
        429: { description: "rate_limited (see Retry-After)", schema: ErrorEnvelope },
      },
    },
    async ({ query, req }) => {
      const site = await embeddedSite(ctx, query.siteKey, req.headers.origin);
      return {
        status: 200,
        body: await liveSiteConfig(ctx, site),
        // `available` changes live (the widget hears it over its socket): a short cache only.
        headers: { "Cache-Control": "public, max-age=10", Vary: "Origin" },
      };
    },
  );
  return r;
}
