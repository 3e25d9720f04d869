import { useEffect, useRef } from "preact/hooks";
import type { ComponentChildren } from "preact";
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from "chart.js";

/**
 * Charts on canvas (Chart.js): nothing but a <canvas> in the page, sized through the CSSOM, which
 * the inbox's strict CSP allows (no style attribute, no <style> element). Each chart is drawn
 * for sighted readers only; the table passed as children carries the same figures for screen
 * readers (and is what tests read).
 */
Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Tooltip,
  Legend,
);

/** The page's colours, read from its CSS variables (light or dark). */
export function palette() {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return {
    ink: v("--ink"),
    muted: v("--muted"),
    line: v("--line"),
    series: [v("--chart-1"), v("--chart-2"), v("--chart-3"), v("--chart-4")],
  };
}

export function ChartFigure({
  title,
  config,
  children,
}: {
  title: string;
  /** Built again when the figures or the colour scheme change. */
  config: ChartConfiguration;
  children: ComponentChildren;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const chart = new Chart(canvas.current!, config);
    return () => chart.destroy();
  }, [config]);
  return (
    <figure class="report-chart">
      <figcaption>{title}</figcaption>
      <div class="report-canvas">
        <canvas ref={canvas} aria-hidden="true" />
      </div>
      {children}
    </figure>
  );
}

/** Shared axes and legend colours for a chart in the current scheme. */
export function baseOptions(colors: ReturnType<typeof palette>, yTitle: string, counts = false) {
  const axis = { ticks: { color: colors.muted }, grid: { color: colors.line }, border: { color: colors.line } };
  const y = { ...axis, ticks: { color: colors.muted, ...(counts ? { precision: 0 } : {}) } };
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false as const,
    plugins: { legend: { labels: { color: colors.ink } } },
    scales: {
      x: axis,
      y: { ...y, beginAtZero: true, title: { display: true, text: yTitle, color: colors.muted } },
    },
  };
}

/** A row of a figures table: its heading cell, then its figures. */
export interface FigureRow {
  key: string;
  head: string;
  cells: (string | number)[];
}

/**
 * A table of figures: a header row of `columns`, then one row per `rows` entry headed by its
 * first cell. Behind a chart it is for screen readers only (`class="sr-only"`, with a caption).
 */
export function FigureTable(props: { caption?: string; class?: string; columns: string[]; rows: FigureRow[] }) {
  return (
    <table class={props.class ?? "sr-only"}>
      {props.caption && <caption>{props.caption}</caption>}
      <thead>
        <tr>
          {props.columns.map((c) => (
            <th scope="col" key={c}>
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">{r.head}</th>
            {r.cells.map((c, i) => (
              <td key={i}>{c}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
