import { describe, expect, it } from "vitest";
import { maxRetryDelayMs, retryDelayMs } from "./backoff.ts";

describe("retry backoff", () => {
  it("doubles from the base delay, with jitter in the upper half", () => {
    for (const attempt of [1, 2, 3, 4]) {
      const ceiling = 1000 * 2 ** (attempt - 1);
      expect(retryDelayMs(attempt, 1000, () => 0)).toBe(ceiling / 2);
      expect(retryDelayMs(attempt, 1000, () => 1)).toBe(ceiling);
    }
  });

  it("never waits more than an hour, so that retries go on through a day-long outage", () => {
    expect(retryDelayMs(40, 10_000, () => 1)).toBe(maxRetryDelayMs);
    let elapsed = 0;
    let attempts = 0;
    while (elapsed < 24 * 3600_000) elapsed += retryDelayMs(++attempts, 10_000, () => 1);
    expect(attempts).toBeGreaterThan(20);
  });
});
