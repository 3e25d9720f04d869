/** Percentiles and the printed table. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface Measured {
  latencies: number[];
  errors: number;
  seconds: number;
  /** Every answer, warm-up included. */
  answered?: number;
  /** The server thread's busy (not idle) milliseconds over the whole load, warm-up included. */
  busyMs?: number;
}

export function summarise(m: Measured): {
  perSecond: number;
  p50: number;
  p99: number;
  count: number;
  errors: number;
  busyUs: number;
} {
  const sorted = [...m.latencies].sort((a, b) => a - b);
  return {
    perSecond: sorted.length / m.seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    count: sorted.length,
    errors: m.errors,
    // The server's own cost per request, less swayed by a shared machine than the rate is.
    busyUs: m.busyMs !== undefined && m.answered ? (m.busyMs * 1000) / m.answered : NaN,
  };
}

/** A Markdown table: it reads in a terminal and pastes into BENCHMARKS.md as is. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`;
  return [
    line(header),
    `|${widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|")}|`,
    ...rows.map(line),
  ].join("\n");
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "–");
