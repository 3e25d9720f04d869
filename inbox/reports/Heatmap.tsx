import type { ReportSummary } from "../../shared/schemas/index.ts";

const weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const names = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
/** Monday first, as most teams read a week. */
const order = [1, 2, 3, 4, 5, 6, 0];

/**
 * Busiest hours: a real table, weekday × hour, each cell shaded by a class (heat-0 … heat-5, no
 * style attribute under the CSP) and holding its count, so that the heat map is its own
 * accessible table.
 */
export function Heatmap({ s }: { s: ReportSummary }) {
  const max = Math.max(0, ...s.byHour.map((c) => c.started));
  const at = (weekday: number, hour: number) =>
    s.byHour.find((c) => c.weekday === weekday && c.hour === hour)?.started ?? 0;
  const level = (n: number) => (n === 0 || max === 0 ? 0 : Math.max(1, Math.ceil((n / max) * 5)));
  return (
    <figure class="report-chart heat">
      <figcaption id="heat-title">Busiest hours (conversations started)</figcaption>
      <div class="heat-scroll">
        <table class="heatmap" aria-labelledby="heat-title">
          <thead>
            <tr>
              <td />
              {Array.from({ length: 24 }, (_, h) => (
                <th scope="col" key={h} abbr={`${h}:00`}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {order.map((d) => (
              <tr key={d}>
                <th scope="row" abbr={names[d]}>
                  {weekdays[d]}
                </th>
                {Array.from({ length: 24 }, (_, h) => {
                  const n = at(d, h);
                  return (
                    <td key={h} class={`heat-${level(n)}`} title={`${names[d]} ${h}:00 — ${n}`}>
                      {n}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
