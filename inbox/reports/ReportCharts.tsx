import { useMemo } from "preact/hooks";
import type { ReportSummary } from "../../shared/schemas/index.ts";
import { baseOptions, ChartFigure, palette } from "./chart.tsx";
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
      <table class="sr-only">
        <caption>Conversations per day</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Started</th>
            <th scope="col">Solved</th>
            <th scope="col">Median first response</th>
          </tr>
        </thead>
        <tbody>
          {s.perDay.map((d) => (
            <tr key={d.date}>
              <th scope="row">{d.date}</th>
              <td>{d.started}</td>
              <td>{d.solved}</td>
              <td>{duration(d.medianFirstResponseSeconds)}</td>
            </tr>
          ))}
        </tbody>
      </table>
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
      <table class="sr-only">
        <caption>First response and resolution times in the period</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Median</th>
            <th scope="col">90th percentile</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([name, median, p90]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td>{duration(median)}</td>
              <td>{duration(p90)}</td>
            </tr>
          ))}
        </tbody>
      </table>
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
      <table class="sr-only">
        <caption>Ratings by score</caption>
        <thead>
          <tr>
            <th scope="col">Score</th>
            <th scope="col">Ratings</th>
          </tr>
        </thead>
        <tbody>
          {scores.map((n) => (
            <tr key={n}>
              <th scope="row">{n}</th>
              <td>{s.satisfaction.distribution[n]}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ChartFigure>
  );
}
