import { useEffect, useState } from "preact/hooks";
import { WEEKDAYS, type BusinessHours, type ReplyTime, type Site } from "../../shared/schemas/index.ts";
import { ApiError, type Api } from "../api/client.ts";

const dayNames: Record<(typeof WEEKDAYS)[number], string> = {
  mon: "Monday",
  tue: "Tuesday",
  wed: "Wednesday",
  thu: "Thursday",
  fri: "Friday",
  sat: "Saturday",
  sun: "Sunday",
};
const replyLabels: Record<ReplyTime, string> = {
  minutes: "In a few minutes",
  hours: "In a few hours",
  day: "In a day",
};

/** "09:00-12:00, 13:00-17:00" ⇄ [["09:00","12:00"],["13:00","17:00"]]; the API validates the clock times. */
const rangesText = (ranges: [string, string][] | undefined) => (ranges ?? []).map((r) => r.join("-")).join(", ");
const parseRanges = (text: string) =>
  text
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => part.split(/\s*[-–]\s*/) as [string, string]);

/**
 * Owners and admins: a site's business hours (time zone, ranges per day, or always open), away
 * message, typical reply time and assignment rule (CONTRACT §8), whether agents see query strings
 * of the visitor's pages, saved through PATCH /v1/sites/{id}; a refused
 * field is shown with the API's message.
 */
export function SiteSettings({ api, onClose }: { api: Api; onClose: () => void }) {
  const [sites, setSites] = useState<Site[]>([]);
  const [site, setSite] = useState<Site | null>(null);
  const [status, setStatus] = useState<string>("");
  useEffect(() => {
    api.get<{ items: Site[] }>("/v1/sites").then(
      (r) => {
        setSites(r.items);
        setSite(r.items[0] ?? null);
      },
      (err: Error) => setStatus(err.message),
    );
  }, [api]);

  async function save(form: HTMLFormElement) {
    if (!site) return;
    const data = new FormData(form);
    const field = (name: string) => String(data.get(name) ?? "");
    const businessHours: BusinessHours | null = data.get("alwaysOpen")
      ? null
      : {
          timezone: field("timezone").trim(),
          hours: Object.fromEntries(WEEKDAYS.map((d) => [d, parseRanges(field(d))])),
        };
    try {
      const saved = await api.send<Site>("PATCH", `/v1/sites/${site.id}`, {
        visitorContext: { queryStrings: data.get("queryStrings") === "on" },
        businessHours,
        awayMessage: field("awayMessage").trim() || null,
        replyTime: field("replyTime"),
        assignment: { mode: field("assignmentMode"), maxOpen: Number(field("maxOpen")) },
        // Empty: keep closed conversations forever (docs/privacy.md).
        retentionDays: field("retentionDays").trim() ? Number(field("retentionDays")) : null,
      });
      setSite(saved);
      setSites(sites.map((s) => (s.id === saved.id ? saved : s)));
      setStatus("Saved.");
    } catch (err) {
      const details = err instanceof ApiError ? err.details.map((d) => `${d.path}: ${d.message}`).join("; ") : "";
      setStatus(`Not saved: ${(err as Error).message}${details ? ` (${details})` : ""}`);
    }
  }

  const hours = site?.businessHours;
  return (
    <section class="settings" aria-labelledby="settings-title">
      <header class="settings-head">
        <h2 id="settings-title">Site settings</h2>
        <button type="button" onClick={onClose}>
          Back to inbox
        </button>
      </header>
      {sites.length > 1 && (
        <label class="field">
          <span>Site</span>
          <select value={site?.id} onChange={(e) => setSite(sites.find((s) => s.id === e.currentTarget.value) ?? null)}>
            {sites.map((s) => (
              <option value={s.id}>{s.name}</option>
            ))}
          </select>
        </label>
      )}
      {site && (
        <form
          key={site.id + site.updatedAt}
          onSubmit={(e) => {
            e.preventDefault();
            void save(e.currentTarget);
          }}
        >
          <fieldset>
            <legend>Business hours</legend>
            <label class="switch">
              <input type="checkbox" name="alwaysOpen" defaultChecked={!hours} />
              Always open
            </label>
            <label class="field">
              <span>Time zone</span>
              <input
                name="timezone"
                defaultValue={hours?.timezone ?? Intl.DateTimeFormat().resolvedOptions().timeZone}
                placeholder="Europe/Stockholm"
              />
            </label>
            {WEEKDAYS.map((d) => (
              <label class="field">
                <span>{dayNames[d]}</span>
                <input name={d} defaultValue={rangesText(hours?.hours[d])} placeholder="Closed (e.g. 09:00-17:00)" />
              </label>
            ))}
          </fieldset>
          <label class="field">
            <span>Away message</span>
            <textarea name="awayMessage" maxLength={1000} defaultValue={site.awayMessage ?? ""} />
          </label>
          <label class="field">
            <span>Typically replies</span>
            <select name="replyTime" defaultValue={site.replyTime}>
              {(Object.keys(replyLabels) as ReplyTime[]).map((r) => (
                <option value={r}>{replyLabels[r]}</option>
              ))}
            </select>
          </label>
          <label class="switch">
            <input type="checkbox" name="queryStrings" defaultChecked={site.visitorContext.queryStrings} />
            Show agents the query strings of the visitor's pages (off: tokens in URLs never reach the inbox)
          </label>
          <fieldset>
            <legend>Assignment</legend>
            <label class="field">
              <span>New conversations</span>
              <select name="assignmentMode" defaultValue={site.assignment.mode}>
                <option value="manual">Assigned by hand</option>
                <option value="round_robin">Round-robin to online agents</option>
              </select>
            </label>
            <label class="field">
              <span>Most open conversations per agent</span>
              <input name="maxOpen" type="number" min={1} max={1000} defaultValue={String(site.assignment.maxOpen)} />
            </label>
          </fieldset>
          <label class="field">
            <span>Delete closed conversations after (days; empty keeps them)</span>
            <input
              name="retentionDays"
              type="number"
              min={1}
              max={36500}
              defaultValue={site.retentionDays === null ? "" : String(site.retentionDays)}
            />
          </label>
          <button type="submit" class="primary">
            Save settings
          </button>
        </form>
      )}
      <p role="status">{status}</p>
    </section>
  );
}
