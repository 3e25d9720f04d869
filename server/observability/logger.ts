import pino, { type Logger } from "pino";

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: "parley" },
    redact: {
      paths: ["req.headers.authorization", "req.headers.cookie", "*.password", "*.secret", "*.identitySecret"],
      censor: "[redacted]",
    },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
export type { Logger };
