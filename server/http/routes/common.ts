import { z } from "zod";

export const ErrorEnvelope = z
  .object({
    error: z.object({
      code: z.string().meta({ example: "validation_failed" }),
      message: z.string(),
      details: z.array(z.object({ path: z.string(), message: z.string() })),
    }),
  })
  .meta({ id: "Error" });

/** The errors any authenticated operation may answer with. */
export const errorResponses = {
  400: { description: "bad_request", schema: ErrorEnvelope },
  401: { description: "unauthorized", schema: ErrorEnvelope },
  404: { description: "not_found", schema: ErrorEnvelope },
  409: { description: "conversation_closed or conflict", schema: ErrorEnvelope },
  422: { description: "validation_failed", schema: ErrorEnvelope },
  429: { description: "rate_limited (see Retry-After)", schema: ErrorEnvelope },
};
