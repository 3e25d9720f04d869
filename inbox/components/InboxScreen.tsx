import { useEffect, useMemo, useState } from "preact/hooks";
import { effect } from "@preact/signals";
import type { Agent } from "../../shared/schemas/index.ts";
import { sessionPath } from "../../shared/inbox.ts";
import type { Api } from "../api/client.ts";
import { connectLive } from "../api/live.ts";
import { createInbox, type Inbox } from "../state/inbox.ts";
import { createNotifier } from "../state/notifier.ts";
import { conversationIdFromHash, hashFor, seqFromHash } from "../state/route.ts";
import { installShortcuts } from "../keyboard/shortcuts.ts";
import { ListFilters } from "./ListFilters.tsx";
import { ConversationList } from "./ConversationList.tsx";
import { ConversationPane } from "./ConversationPane.tsx";
import { ShortcutHelp } from "./ShortcutHelp.tsx";
import { SavedRepliesSettings, settingsHash } from "./SavedRepliesSettings.tsx";
import { MentionAlerts } from "./MentionAlerts.tsx";
import { SearchBox } from "./SearchBox.tsx";
import { SiteSettings } from "./SiteSettings.tsx";

const availabilityLabels = { online: "Online", away: "Away", offline: "Offline" } as const;

const appTitle = "Parley Inbox";

function focusRow(id: string) {
  requestAnimationFrame(() =>
    document.querySelector<HTMLElement>(`[data-conversation-id="${CSS.escape(id)}"]`)?.focus(),
  );
}

/** j/k, r, e/c, a and ?: the actions behind each shortcut. */
function shortcutActions(inbox: Inbox, selectedId: () => string | null, showHelp: () => void) {
  const move = (step: 1 | -1) => {
    const ids = inbox.list.items.value.map((c) => c.id);
    if (ids.length === 0) return;
    const at = ids.indexOf(selectedId() ?? "");
    const target = at < 0 ? ids[step === 1 ? 0 : ids.length - 1] : ids[at + step];
    if (step === 1 && at >= ids.length - 3) void inbox.list.loadMore();
    if (!target) return;
    location.hash = hashFor(target);
    focusRow(target);
  };
  const withThread = (fn: (t: NonNullable<Inbox["thread"]["value"]>) => Promise<unknown>) => {
    const t = inbox.thread.value;
    const c = t?.conversation.value;
    if (!t || !c || c.status === "closed") return;
    fn(t).catch((err: Error) => (t.error.value = err.message));
  };
  return {
    next: () => move(1),
    previous: () => move(-1),
    reply: () => document.getElementById("reply")?.focus(),
    close: () => withThread((t) => t.update({ status: "closed" })),
    assignToMe: () => withThread((t) => t.update({ assignee: inbox.me.id })),
    help: showHelp,
  };
}

/** The signed-in inbox: header, filtered list, the open conversation, shortcuts and alerts. */
export function InboxScreen({ api, me, onSignedOut }: { api: Api; me: Agent; onSignedOut: () => void }) {
  const notifier = useMemo(() => createNotifier(localStorage, (id) => (location.hash = hashFor(id))), []);
  const inbox = useMemo(() => createInbox(api, me, connectLive(), notifier.alert), [api, me, notifier]);
  const [selectedId, setSelectedId] = useState(() => conversationIdFromHash(location.hash));
  const [settings, setSettings] = useState(() => location.hash === settingsHash);
  const [foundSeq, setFoundSeq] = useState(() => seqFromHash(location.hash));
  const [helpOpen, setHelpOpen] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const manager = me.role === "owner" || me.role === "admin";

  useEffect(() => () => inbox.dispose(), [inbox]);
  useEffect(() => {
    const onHash = () => {
      setSelectedId(conversationIdFromHash(location.hash));
      setSettings(location.hash === settingsHash);
      setFoundSeq(seqFromHash(location.hash));
    };
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, []);
  useEffect(() => inbox.open(selectedId), [inbox, selectedId]);
  useEffect(
    () =>
      effect(() => {
        const n = inbox.list.totalUnread.value;
        document.title = n > 0 ? `(${n}) ${appTitle}` : appTitle;
      }),
    [inbox],
  );
  useEffect(
    () =>
      installShortcuts(
        document,
        shortcutActions(
          inbox,
          () => conversationIdFromHash(location.hash),
          () => setHelpOpen(true),
        ),
      ),
    [inbox],
  );
  useEffect(() => {
    // Browsers let a page ask for notifications only after the user did something: ask once, then.
    const ask = () => void notifier.askPermission();
    document.addEventListener("pointerdown", ask, { once: true });
    return () => document.removeEventListener("pointerdown", ask);
  }, [notifier]);

  async function signOut() {
    await api.send("DELETE", sessionPath).catch(() => {});
    onSignedOut();
  }

  const thread = inbox.thread.value;
  const availability = inbox.self.value.availability ?? "offline";
  return (
    <div class="app">
      <header class="topbar">
        <h1>{appTitle}</h1>
        <span class={`conn ${inbox.live.online.value ? "online" : "offline"}`} role="status">
          {inbox.live.online.value ? "Live" : "Reconnecting…"}
        </span>
        <span class="spacer" />
        <label class="switch">
          <input
            type="checkbox"
            checked={notifier.enabled.value}
            onChange={(e) => notifier.setEnabled((e.currentTarget as HTMLInputElement).checked)}
          />
          Notifications
        </label>
        <a class="button" href="reports">
          Reports
        </a>
        <a class="button" href={settingsHash} aria-current={settings ? "page" : undefined}>
          Saved replies
        </a>
        <button type="button" onClick={() => setHelpOpen(true)} aria-keyshortcuts="?">
          Shortcuts
        </button>
        {manager && (
          <button type="button" aria-pressed={settingsOpen} onClick={() => setSettingsOpen(!settingsOpen)}>
            Site settings
          </button>
        )}
        <span class="me" title={me.email}>
          {me.name}
        </span>
        <span class={`availability ${availability}`} role="status" aria-label={`Your status: ${availability}`}>
          {availabilityLabels[availability]}
        </span>
        <label class="switch">
          <input
            type="checkbox"
            checked={availability === "away"}
            onChange={(e) => void inbox.setAway((e.currentTarget as HTMLInputElement).checked).catch(() => {})}
          />
          Away
        </label>
        <label class="switch" title="Emails about new conversations, assignments and mentions while you are offline">
          <input
            type="checkbox"
            checked={inbox.self.value.emailNotifications}
            onChange={(e) =>
              void inbox.setEmailNotifications((e.currentTarget as HTMLInputElement).checked).catch(() => {})
            }
          />
          Email when offline
        </label>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      {/* One main landmark holds list and conversation, so that a narrow screen showing only the list still has one. */}
      {settingsOpen && !settings && (
        <SiteSettings
          api={api}
          onClose={() => {
            setSettingsOpen(false);
            void inbox.loadAssignments();
          }}
        />
      )}
      {settings ? (
        <main class="settings-main">
          <SavedRepliesSettings api={api} me={me} />
        </main>
      ) : (
        <main class={`columns${selectedId ? " has-thread" : ""}`} hidden={settingsOpen}>
          <nav class="sidebar" aria-label="Conversations">
            <SearchBox api={api} />
            <ListFilters list={inbox.list} />
            <ConversationList
              list={inbox.list}
              selectedId={selectedId}
              agents={inbox.agents.value}
              assignments={inbox.assignments.value}
            />
          </nav>
          <section class="pane" aria-label="Conversation">
            {thread ? (
              <ConversationPane key={thread.id} inbox={inbox} thread={thread} foundSeq={foundSeq} />
            ) : (
              <div class="empty-pane">
                <h2>No conversation open</h2>
                <p class="muted">
                  Pick one from the list, or press <kbd>j</kbd> to open the first. <kbd>?</kbd> shows every shortcut.
                </p>
              </div>
            )}
          </section>
        </main>
      )}
      <MentionAlerts inbox={inbox} />
      <ShortcutHelp open={helpOpen} onClose={() => setHelpOpen(false)} />
    </div>
  );
}
