import { useMemo } from "preact/hooks";
import type { ReportSummary } from "../../shared/schemas/index.ts";
import { baseOptions, ChartFigure, FigureTable, palette } from "./chart.tsx";
import { duration } from "./period.ts";

/** Conversations per day (bars), with their table. */
export function PerDayChart({ s, scheme }: { s: ReportSummary; scheme: string }) {
  const config = useMemo(() => {
    const c = palette();
    return {
      type: "bar" as const,
      data: {
        labels: s.perDay.map((d) => d.date.slice(5)),
        datasets: [
          { label: "Started", data: s.perDay.map((d) => d.started), backgroundColor: c.series[0] },
          { label: "Solved", data: s.perDay.map((d) => d.solved), backgroundColor: c.series[1] },
        ],
      },
      options: baseOptions(c, "Conversations", true),
    };
  }, [s, scheme]);
  return (
    <ChartFigure title="Conversations per day" config={config}>
      <FigureTable
        caption="Conversations per day"
        columns={["Day", "Started", "Solved", "Median first response"]}
        rows={s.perDay.map((d) => ({
          key: d.date,
          head: d.date,
          cells: [d.started, d.solved, duration(d.medianFirstResponseSeconds)],
        }))}
      />
    </ChartFigure>
  );
}

/**
 * Response times (lines): each day's median first response, with the period's medians and p90s of
 * first response and resolution as level lines (the summary gives those for the whole period).
 */
export function TimesChart({ s, scheme }: { s: ReportSummary; scheme: string }) {
  const config = useMemo(() => {
    const c = palette();
    const flat = (v: number | null) => s.perDay.map(() => (v === null ? null : v / 60));
    const level = { pointRadius: 0, borderWidth: 2, borderDash: [6, 4] };
    return {
      type: "line" as const,
      data: {
        labels: s.perDay.map((d) => d.date.slice(5)),
        datasets: [
          {
            label: "First response, median of the day",
            data: s.perDay.map((d) =>
              d.medianFirstResponseSeconds === null ? null : d.medianFirstResponseSeconds / 60,
            ),
            borderColor: c.series[0],
            backgroundColor: c.series[0],
            spanGaps: true,
          },
          {
            label: "First response, median",
            data: flat(s.firstResponseSeconds.median),
            borderColor: c.series[0],
            ...level,
          },
          { label: "First response, p90", data: flat(s.firstResponseSeconds.p90), borderColor: c.series[2], ...level },
          { label: "Resolution, median", data: flat(s.resolutionSeconds.median), borderColor: c.series[1], ...level },
          { label: "Resolution, p90", data: flat(s.resolutionSeconds.p90), borderColor: c.series[3], ...level },
        ],
      },
      options: baseOptions(c, "Minutes"),
    };
  }, [s, scheme]);
  const rows: [string, number | null, number | null][] = [
    ["First response", s.firstResponseSeconds.median, s.firstResponseSeconds.p90],
    ["Resolution", s.resolutionSeconds.median, s.resolutionSeconds.p90],
  ];
  return (
    <ChartFigure title="First response and resolution" config={config}>
      <FigureTable
        caption="First response and resolution times in the period"
        columns={["Time", "Median", "90th percentile"]}
        rows={rows.map(([name, median, p90]) => ({ key: name, head: name, cells: [duration(median), duration(p90)] }))}
      />
    </ChartFigure>
  );
}

/** Satisfaction: how many ratings of each score (bars), with the average beside. */
export function SatisfactionChart({ s, scheme }: { s: ReportSummary; scheme: string }) {
  const scores = ["1", "2", "3", "4", "5"] as const;
  const config = useMemo(() => {
    const c = palette();
    return {
      type: "bar" as const,
      data: {
        labels: scores.map((n) => `${n} ★`),
        datasets: [
          { label: "Ratings", data: scores.map((n) => s.satisfaction.distribution[n]), backgroundColor: c.series[1] },
        ],
      },
      options: { ...baseOptions(c, "Ratings", true), plugins: { legend: { display: false } } },
    };
  }, [s, scheme]);
  const { count, average } = s.satisfaction;
  return (
    <ChartFigure
      title={`Satisfaction: ${average === null ? "no ratings" : `${average} of 5 from ${count}`}`}
      config={config}
    >
      <FigureTable
        caption="Ratings by score"
        columns={["Score", "Ratings"]}
        rows={scores.map((n) => ({ key: n, head: n, cells: [s.satisfaction.distribution[n]] }))}
      />
    </ChartFigure>
  );
}
