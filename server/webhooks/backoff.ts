/** The longest wait between two attempts. */
export const maxRetryDelayMs = 3600_000;

/**
 * Exponential backoff with jitter: the n-th failed attempt (n ≥ 1) waits between half and all
 * of `base · 2^(n-1)`, capped at an hour, so that a recovering receiver is not hit by every
 * delivery at the same instant.
 */
export function retryDelayMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(baseMs * 2 ** Math.min(attempt - 1, 40), Math.max(baseMs, maxRetryDelayMs));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
