import type { Agent, Site } from "../../shared/schemas/index.ts";
import type { PeriodChoice, ReportFilters } from "./period.ts";

const choices: [PeriodChoice, string][] = [
  ["today", "Today"],
  ["7d", "7 days"],
  ["30d", "30 days"],
  ["custom", "Custom"],
];

/** The period picker and the site, queue, tag and assignee filters. */
export function ReportFilterBar({
  value,
  sites,
  agents,
  onChange,
}: {
  value: ReportFilters;
  sites: Site[];
  agents: Agent[];
  onChange: (next: Partial<ReportFilters>) => void;
}) {
  const text = (e: Event) => (e.currentTarget as HTMLInputElement | HTMLSelectElement).value;
  return (
    <form class="report-filters" aria-label="Report period and filters" onSubmit={(e) => e.preventDefault()}>
      <fieldset class="period">
        <legend>Period</legend>
        {choices.map(([id, label]) => (
          <label key={id} class={value.choice === id ? "chosen" : undefined}>
            <input
              type="radio"
              name="period"
              value={id}
              checked={value.choice === id}
              onChange={() => onChange({ choice: id })}
            />
            {label}
          </label>
        ))}
      </fieldset>
      {value.choice === "custom" && (
        <>
          <label>
            From
            <input type="date" value={value.from} max={value.to} onChange={(e) => onChange({ from: text(e) })} />
          </label>
          <label>
            To
            <input type="date" value={value.to} min={value.from} onChange={(e) => onChange({ to: text(e) })} />
          </label>
        </>
      )}
      {sites.length > 1 && (
        <label>
          Site
          <select value={value.siteId} onChange={(e) => onChange({ siteId: text(e) })}>
            <option value="">Every site</option>
            {sites.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        Queue
        <input type="text" value={value.queue} placeholder="Any" onChange={(e) => onChange({ queue: text(e) })} />
      </label>
      <label>
        Tag
        <input type="text" value={value.tag} placeholder="Any" onChange={(e) => onChange({ tag: text(e) })} />
      </label>
      <label>
        Assignee
        <select value={value.assignee} onChange={(e) => onChange({ assignee: text(e) })}>
          <option value="">Anyone</option>
          <option value="none">Unassigned</option>
          {agents.map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </label>
    </form>
  );
}
