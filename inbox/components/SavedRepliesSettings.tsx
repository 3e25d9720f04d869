import { useEffect, useMemo, useState } from "preact/hooks";
import type { Agent, CannedResponse, CannedScope } from "../../shared/schemas/index.ts";
import { placeholderKeys } from "../../shared/placeholders.ts";
import { messagePreview } from "../../widget/app/messages/index.ts";
import { ApiError, type Api } from "../api/client.ts";
import { cannedPath, createSavedReplies } from "../state/saved-replies.ts";

export const settingsHash = "#/settings/replies";

interface Draft {
  id: string | null;
  shortcut: string;
  title: string;
  /** The text of a text reply; other types keep their message as saved. */
  text: string;
  scope: CannedScope;
}

const blank: Draft = { id: null, shortcut: "", title: "", text: "", scope: "personal" };

function draftOf(r: CannedResponse): Draft {
  const text = r.message.type === "text" ? String(r.message.content.text ?? "") : "";
  return { id: r.id, shortcut: r.shortcut, title: r.title, text, scope: r.scope };
}

/** What the API said was wrong, by field (422/409), or as one line. */
function problems(err: unknown): { fields: Record<string, string>; message: string } {
  if (!(err instanceof ApiError)) return { fields: {}, message: (err as Error).message };
  const fields: Record<string, string> = {};
  for (const d of err.details) fields[d.path.split(".")[0]!] ??= d.message;
  return { fields, message: err.message };
}

/**
 * `#/settings/replies`: the agent's saved replies (team and personal) to create, edit and
 * delete. Team scope is offered to owners and admins only, as the permission table says.
 */
export function SavedRepliesSettings({ api, me }: { api: Api; me: Agent }) {
  const saved = useMemo(() => createSavedReplies(api), [api]);
  const [draft, setDraft] = useState<Draft>(blank);
  const [editing, setEditing] = useState<CannedResponse | null>(null);
  const [error, setError] = useState<{ fields: Record<string, string>; message: string } | null>(null);
  const [status, setStatus] = useState("");
  const mayTeam = me.role === "owner" || me.role === "admin";
  useEffect(() => void saved.load(), [saved]);

  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const mayChange = (r: CannedResponse) => r.scope === "personal" || mayTeam;
  const textual = !editing || editing.message.type === "text";

  function edit(r: CannedResponse | null) {
    setEditing(r);
    setDraft(r ? draftOf(r) : blank);
    setError(null);
    requestAnimationFrame(() => document.getElementById("reply-shortcut")?.focus());
  }

  async function save() {
    const body = {
      shortcut: draft.shortcut.trim(),
      title: draft.title,
      scope: draft.scope,
      ...(textual ? { message: { text: draft.text } } : {}),
    };
    try {
      if (draft.id) await api.send("PATCH", `${cannedPath}/${encodeURIComponent(draft.id)}`, body);
      else await api.send("POST", cannedPath, body);
      setStatus(`Saved /${body.shortcut}`);
      edit(null);
      await saved.load();
    } catch (err) {
      setError(problems(err));
    }
  }

  async function remove(r: CannedResponse) {
    if (!confirm(`Delete the saved reply /${r.shortcut}?`)) return;
    try {
      await api.send("DELETE", `${cannedPath}/${encodeURIComponent(r.id)}`);
      setStatus(`Deleted /${r.shortcut}`);
      if (draft.id === r.id) edit(null);
      await saved.load();
    } catch (err) {
      setError(problems(err));
    }
  }

  const fieldError = (name: string) =>
    error?.fields[name] ? (
      <span class="error" id={`reply-${name}-error`}>
        {error.fields[name]}
      </span>
    ) : null;
  const describedBy = (name: string) => (error?.fields[name] ? `reply-${name}-error` : undefined);

  return (
    <section class="settings" aria-labelledby="settings-title">
      <header class="settings-head">
        <h2 id="settings-title">Saved replies</h2>
        <a href="#/">Back to conversations</a>
      </header>
      <p class="muted">
        Type <kbd>/</kbd> at the start of a reply to pick one. Placeholders are filled when you insert it:{" "}
        {placeholderKeys.map((k) => (
          <code key={k}>{`{{${k}}} `}</code>
        ))}
        and a fallback after a bar, e.g. <code>{"{{contact.name | there}}"}</code>.
      </p>
      <p role="status" class="muted">
        {status}
      </p>
      {saved.error.value && (
        <p class="error" role="alert">
          {saved.error.value}
        </p>
      )}
      <table class="settings-table">
        <caption class="sr-only">Your saved replies and the team's</caption>
        <thead>
          <tr>
            <th scope="col">Shortcut</th>
            <th scope="col">Title</th>
            <th scope="col">Scope</th>
            <th scope="col">Preview</th>
            <th scope="col">
              <span class="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {saved.items.value.map((r) => (
            <tr key={r.id}>
              <td>
                <code>/{r.shortcut}</code>
              </td>
              <td>{r.title}</td>
              <td>{r.scope === "team" ? "Team" : "Personal"}</td>
              <td class="muted">{messagePreview(r.message)}</td>
              <td>
                {mayChange(r) && (
                  <>
                    <button type="button" onClick={() => edit(r)} aria-label={`Edit /${r.shortcut}`}>
                      Edit
                    </button>{" "}
                    <button type="button" onClick={() => void remove(r)} aria-label={`Delete /${r.shortcut}`}>
                      Delete
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {saved.items.value.length === 0 && <p class="muted">No saved replies yet.</p>}
      <form
        class="settings-form"
        aria-labelledby="reply-form-title"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <h3 id="reply-form-title">{draft.id ? `Edit /${editing?.shortcut ?? ""}` : "New saved reply"}</h3>
        {error && !Object.keys(error.fields).length && (
          <p class="error" role="alert">
            {error.message}
          </p>
        )}
        <label>
          Shortcut
          <input
            id="reply-shortcut"
            value={draft.shortcut}
            required
            maxLength={32}
            pattern="[a-z0-9_\-]+"
            aria-invalid={!!error?.fields.shortcut}
            aria-describedby={describedBy("shortcut")}
            onInput={(e) => set({ shortcut: (e.currentTarget as HTMLInputElement).value })}
          />
          {fieldError("shortcut")}
        </label>
        <label>
          Title
          <input
            value={draft.title}
            required
            maxLength={200}
            aria-invalid={!!error?.fields.title}
            aria-describedby={describedBy("title")}
            onInput={(e) => set({ title: (e.currentTarget as HTMLInputElement).value })}
          />
          {fieldError("title")}
        </label>
        {textual ? (
          <label>
            Message
            <textarea
              rows={4}
              value={draft.text}
              required
              aria-invalid={!!error?.fields.message}
              aria-describedby={describedBy("message")}
              onInput={(e) => set({ text: (e.currentTarget as HTMLTextAreaElement).value })}
            />
            {fieldError("message")}
          </label>
        ) : (
          <p class="muted">
            This reply is a {editing!.message.type.replace("_", " ")} message; its content is changed through the API.
          </p>
        )}
        <label>
          Scope
          <select
            value={draft.scope}
            onChange={(e) => set({ scope: (e.currentTarget as HTMLSelectElement).value as CannedScope })}
          >
            <option value="personal">Personal (only you)</option>
            {(mayTeam || draft.scope === "team") && (
              <option value="team" disabled={!mayTeam}>
                Team (every agent)
              </option>
            )}
          </select>
        </label>
        <div class="settings-actions">
          <button type="submit" class="primary">
            {draft.id ? "Save changes" : "Add saved reply"}
          </button>
          {draft.id && (
            <button type="button" onClick={() => edit(null)}>
              Cancel
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
