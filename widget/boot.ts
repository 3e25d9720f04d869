/**
 * The boot chunk (content-hashed, cached for a year), which widget.js imports once it has painted
 * the launcher (loader/view.ts): it keeps the page API (replaying the Parley stub queue), the
 * open state and the unread count, drives the launcher through the view, and imports the Preact
 * app chunk only when the visitor opens the chat or already has a conversation.
 */
import { effectiveSettings, type WidgetSettings } from "./loader/settings.ts";
import { createEvents } from "./loader/events.ts";
import type { View } from "./loader/view.ts";
import { applyPanelTheme } from "./theme/vars.ts";
import type { AppHandle, MountApp } from "./app/host-api.ts";

type Stub = ((...args: unknown[]) => unknown) & { q?: ArrayLike<unknown>[] };
const w = window as unknown as { Parley?: Stub; parleySettings?: WidgetSettings };

/** Called once by widget.js with where it was loaded from, the site key and the launcher it painted. */
export function boot({ baseUrl, siteKey, view }: { baseUrl: string; siteKey: string; view: View }): void {
  const page: WidgetSettings = w.parleySettings && typeof w.parleySettings === "object" ? w.parleySettings : {};
  const markerKey = `parley:${siteKey}:active`;

  let live: WidgetSettings = {};
  let settings = effectiveSettings([view.site, page]);
  let open = false;
  let unread = 0;
  /** The page element that had focus when the chat opened: where focus goes back when there is no launcher to return to. */
  let opener: HTMLElement | null = null;
  let app: AppHandle | null = null;
  let loading: Promise<AppHandle | null> | null = null;
  const events = createEvents();
  const { host, launcher } = view;

  view.state = () => ({ settings: (settings = effectiveSettings([view.site, page, live])), open, unread });
  view.painted = () => {
    applyPanelTheme(host.root, settings.theme);
    host.root.dataset.launcher = settings.launcher?.hidden ? "hidden" : "shown";
    app?.update();
  };
  // A pointer over the launcher, or focus on it: the chat may be opened soon.
  const intent = () => void importApp().catch(() => {});
  launcher.addEventListener("pointerenter", intent, { once: true });
  launcher.addEventListener("focus", intent, { once: true });
  const paint = () => view.paint();

  let appModule: Promise<{ mount: MountApp }> | null = null;
  const importApp = (): Promise<{ mount: MountApp }> => (appModule ??= import("./app/main.tsx"));

  function ensureApp(): Promise<AppHandle | null> {
    loading ??= importApp().then(
      ({ mount }) =>
        (app = mount({
          baseUrl,
          siteKey,
          root: host.root,
          shadow: host.el.shadowRoot!,
          settings: () => settings,
          isOpen: () => open,
          requestClose: () => {
            const back = launcher.hidden ? opener : launcher;
            setOpen(false);
            back?.focus();
          },
          setUnread(count) {
            if (count === unread) return;
            unread = count;
            paint();
            events.emit("unread", count);
          },
          emit: (name, payload) => events.emit(name, payload),
          markerKey,
        })),
      (err) => {
        loading = appModule = null; // let a later click try again
        console.error("[parley] could not load the chat", err);
        return null;
      },
    );
    return loading;
  }

  function setOpen(next: boolean) {
    if (next === open) return;
    open = next;
    const active = document.activeElement;
    if (open) opener = active instanceof HTMLElement && active !== host.el && active !== document.body ? active : null;
    paint();
    if (open) void ensureApp().then((a) => open && a?.setOpen(true));
    else app?.setOpen(false);
    events.emit(open ? "open" : "close");
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the public API takes whatever the page passes; each command checks it
  const commands: Record<string, (...args: any[]) => void> = {
    open: () => setOpen(true),
    close: () => setOpen(false),
    toggle: () => setOpen(!open),
    identify(user: unknown) {
      if (!user || typeof user !== "object") return;
      live = { ...live, user: { ...live.user, ...user } };
      settings = effectiveSettings([view.site, page, live]);
      app?.identify(settings.user!);
    },
    update(patch: unknown) {
      live = effectiveSettings([live, patch]);
      paint();
    },
    on: (name: string, fn: unknown) => events.on(name, fn),
    off: (name: string, fn?: unknown) => events.off(name, fn),
    shutdown() {
      setOpen(false);
      app?.shutdown();
      app = null;
      loading = null;
      live = {};
      unread = 0;
      try {
        localStorage.removeItem(markerKey);
      } catch {
        // storage blocked: nothing was stored either
      }
      paint();
    },
  };

  const api: Stub = (command: unknown, ...args: unknown[]) => {
    const run = typeof command === "string" && Object.hasOwn(commands, command) ? commands[command] : undefined;
    if (!run) return void console.warn(`[parley] unknown command: ${String(command)}`);
    try {
      run(...args);
    } catch (err) {
      console.error(`[parley] ${command} failed`, err);
    }
  };
  const queued = Array.from(w.Parley?.q ?? []);
  w.Parley = api;

  paint();
  for (const args of queued) api(...Array.from(args));

  void view.ready.then(() => {
    paint();
    events.emit("ready");
  });

  let hasConversation = false;
  try {
    hasConversation = localStorage.getItem(markerKey) !== null;
  } catch {
    // storage blocked (sandboxed frame, privacy mode): nothing to resume
  }
  if (page.open) setOpen(true);
  else if (hasConversation) void ensureApp();
}
