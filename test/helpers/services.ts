/**
 * Which real services this run has. test/run.js probes them once and passes the answer in the
 * environment; a suite that needs a missing one is skipped (and CI fails before that happens).
 */
export const services = {
  postgresUrl: process.env.PARLEY_TEST_PG_URL || null,
  redisUrl: process.env.PARLEY_TEST_REDIS_URL || null,
  chromium: process.env.PARLEY_TEST_CHROMIUM || null,
};

/** The databases every storage and API suite runs against. */
export function databases(): { name: "sqlite" | "postgres"; available: boolean }[] {
  return [
    { name: "sqlite", available: true },
    { name: "postgres", available: !!services.postgresUrl },
  ];
}
