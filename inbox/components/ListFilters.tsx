import type { ConversationList } from "../state/conversation-list.ts";
import type { StatusFilter, ViewFilter } from "../state/filters.ts";
import { statusLabels } from "./format.ts";

const views: { value: ViewFilter; label: string }[] = [
  { value: "all", label: "All" },
  { value: "mine", label: "Mine" },
  { value: "unassigned", label: "Unassigned" },
  { value: "mentions", label: "Mentions" },
];

/** Status, mine / unassigned, queue and tag: each change reloads the list from the API. */
export function ListFilters({ list }: { list: ConversationList }) {
  const f = list.filter.value;
  return (
    <div class="filters">
      <div class="segmented" role="group" aria-label="Show">
        {views.map((v) => (
          <button type="button" aria-pressed={f.view === v.value} onClick={() => list.setFilter({ view: v.value })}>
            {v.label}
          </button>
        ))}
      </div>
      <div class="filter-row">
        <label class="field compact">
          <span>Status</span>
          <select
            value={f.status}
            onChange={(e) => list.setFilter({ status: (e.currentTarget as HTMLSelectElement).value as StatusFilter })}
          >
            {(Object.keys(statusLabels) as (keyof typeof statusLabels)[]).map((s) => (
              <option value={s}>{statusLabels[s]}</option>
            ))}
            <option value="all">All statuses</option>
          </select>
        </label>
        <label class="field compact">
          <span>Queue</span>
          <input
            type="search"
            value={f.queue}
            placeholder="Any"
            onChange={(e) => list.setFilter({ queue: (e.currentTarget as HTMLInputElement).value })}
          />
        </label>
        <label class="field compact">
          <span>Tag</span>
          <input
            type="search"
            value={f.tag}
            placeholder="Any"
            onChange={(e) => list.setFilter({ tag: (e.currentTarget as HTMLInputElement).value })}
          />
        </label>
      </div>
    </div>
  );
}
