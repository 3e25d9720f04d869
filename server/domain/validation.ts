import type { z } from "zod";
import type { ErrorDetail } from "../../shared/errors.ts";
import { ParleyError } from "./errors.ts";

/** zod issues → the contract's `details: [{ path, message }]`, paths dotted (`message.content.text`). */
export function zodDetails(issues: readonly z.core.$ZodIssue[], prefix: (string | number)[] = []): ErrorDetail[] {
  const detail = (path: PropertyKey[], message: string): ErrorDetail => ({
    path: [...prefix, ...path].map(String).join(".") || "(body)",
    message,
  });
  // An unknown key is reported at its own path, one detail per key.
  return issues.flatMap((issue) =>
    issue.code === "unrecognized_keys"
      ? issue.keys.map((key) => detail([...issue.path, key], "unknown field"))
      : [detail(issue.path, issue.message)],
  );
}

/** Parses `value` with `schema` or throws 422 validation_failed with every bad field. */
export function parse<T extends z.ZodType>(schema: T, value: unknown, prefix: (string | number)[] = []): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new ParleyError("validation_failed", "Request validation failed", zodDetails(result.error.issues, prefix));
  return result.data;
}
