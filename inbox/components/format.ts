const time = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const day = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

/** "14:05" today, "Mar 3" before. */
export function shortWhen(iso: string, now: Date = new Date()): string {
  const d = new Date(iso);
  return d.toDateString() === now.toDateString() ? time.format(d) : day.format(d);
}

export function fullWhen(iso: string): string {
  return full.format(new Date(iso));
}

export const statusLabels = { open: "Open", waiting: "Waiting", solved: "Solved", closed: "Closed" } as const;
export const priorityLabels = { low: "Low", normal: "Normal", high: "High", urgent: "Urgent" } as const;
