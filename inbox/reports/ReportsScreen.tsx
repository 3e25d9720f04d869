import "./reports.css";
import { useEffect, useMemo, useState } from "preact/hooks";
import type { Agent, ReportSummary, Site } from "../../shared/schemas/index.ts";
import type { Api } from "../api/client.ts";
import { relayBase } from "../api/base.ts";
import { FigureTable } from "./chart.tsx";
import { Heatmap } from "./Heatmap.tsx";
import { PerDayChart, SatisfactionChart, TimesChart } from "./ReportCharts.tsx";
import { ReportFilterBar } from "./ReportFilters.tsx";
import { duration, localDay, periodFor, summaryQuery, type ReportFilters } from "./period.ts";

/** The colour scheme the charts are drawn in; they are drawn again when it changes. */
function useScheme(): string {
  const media = useMemo(() => matchMedia("(prefers-color-scheme: dark)"), []);
  const [scheme, setScheme] = useState(media.matches ? "dark" : "light");
  useEffect(() => {
    const on = () => setScheme(media.matches ? "dark" : "light");
    media.addEventListener("change", on);
    return () => media.removeEventListener("change", on);
  }, [media]);
  return scheme;
}

/**
 * /inbox/reports (CONTRACT §10, docs/reports.md): the summary of a period, in the agent's time
 * zone, drawn as charts with a table behind each. Loaded only on this page (its own chunk).
 */
export function ReportsScreen({ api, me }: { api: Api; me: Agent }) {
  const tz = useMemo(() => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC", []);
  const today = localDay(new Date(), tz);
  const [filters, setFilters] = useState<ReportFilters>({
    choice: "7d",
    ...periodFor("7d", today, { from: today, to: today }),
    siteId: "",
    queue: "",
    tag: "",
    assignee: "",
  });
  const [summary, setSummary] = useState<ReportSummary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sites, setSites] = useState<Site[]>([]);
  const [agents, setAgents] = useState<Agent[]>([]);
  const scheme = useScheme();

  useEffect(() => {
    document.documentElement.classList.add("reports-page");
    document.title = "Reports · Parley Inbox";
    api.get<{ items: Site[] }>("/v1/sites").then(
      (r) => setSites(r.items),
      () => {},
    );
    api.get<{ items: Agent[] }>("/v1/agents").then(
      (r) => setAgents(r.items),
      () => {},
    );
    return () => document.documentElement.classList.remove("reports-page");
  }, [api]);

  const query = summaryQuery(filters, tz);
  const key = JSON.stringify(query);
  useEffect(() => {
    let current = true;
    setError(null);
    api.get<ReportSummary>("/v1/reports/summary", query).then(
      (s) => current && setSummary(s),
      (err: Error) => current && setError(err.message),
    );
    return () => {
      current = false;
    };
  }, [api, key]);

  const change = (next: Partial<ReportFilters>) =>
    setFilters((f) => {
      const merged = { ...f, ...next };
      return { ...merged, ...periodFor(merged.choice, today, { from: merged.from, to: merged.to }) };
    });
  const csv = `${relayBase()}/v1/reports/summary.csv?${new URLSearchParams(query).toString()}`;

  return (
    <div class="reports">
      <header class="topbar">
        <h1>Reports</h1>
        <span class="muted">
          {filters.from === filters.to ? filters.from : `${filters.from} – ${filters.to}`} · {tz}
        </span>
        <span class="spacer" />
        <a class="button" href={csv} download>
          Download CSV
        </a>
        <a class="button" href="./">
          Back to the inbox
        </a>
        <span class="me">{me.name}</span>
      </header>
      <main class="reports-main" aria-busy={summary === null}>
        <ReportFilterBar value={filters} sites={sites} agents={agents} onChange={change} />
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {summary && <Figures s={summary} scheme={scheme} me={me} />}
      </main>
    </div>
  );
}

function Figures({ s, scheme, me }: { s: ReportSummary; scheme: string; me: Agent }) {
  const tiles: [string, string][] = [
    ["Started", String(s.conversations.started)],
    ["Solved", String(s.conversations.solved)],
    ["Closed", String(s.conversations.closed)],
    ["First response (median)", duration(s.firstResponseSeconds.median)],
    ["First response (p90)", duration(s.firstResponseSeconds.p90)],
    ["Resolution (median)", duration(s.resolutionSeconds.median)],
    ["Resolution (p90)", duration(s.resolutionSeconds.p90)],
    ["Satisfaction", s.satisfaction.average === null ? "—" : `${s.satisfaction.average} / 5`],
  ];
  return (
    <>
      <section aria-label="Totals">
        <dl class="tiles">
          {tiles.map(([name, value]) => (
            <div key={name} class="tile">
              <dt>{name}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      </section>
      <section class="chart-grid" aria-label="Charts">
        <PerDayChart s={s} scheme={scheme} />
        <TimesChart s={s} scheme={scheme} />
        <SatisfactionChart s={s} scheme={scheme} />
        <Heatmap s={s} />
      </section>
      <section aria-labelledby="agents-title">
        <h2 id="agents-title">{me.role === "agent" ? "You" : "Agents"}</h2>
        <FigureTable
          class="agents-table"
          columns={["Agent", "Assigned", "Solved", "Median first response", "Satisfaction"]}
          rows={s.agents.map((a) => ({
            key: a.agentId,
            head: a.name,
            cells: [a.assigned, a.solved, duration(a.medianFirstResponseSeconds), a.satisfactionAverage ?? "—"],
          }))}
        />
      </section>
    </>
  );
}
