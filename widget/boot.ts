/**
 * The boot chunk (content-hashed, cached for a year), which widget.js imports at once: it reads
 * the settings, replays the Parley stub queue, paints the launcher in a shadow root and imports
 * the Preact app chunk only when the visitor opens the chat or already has a conversation.
 */
import type { ScriptInfo } from "./loader/script.ts";
import { effectiveSettings, type WidgetSettings } from "./loader/settings.ts";
import { createEvents } from "./loader/events.ts";
import { createLauncher } from "./loader/launcher.ts";
import { createHost } from "./loader/host.ts";
import { isRtl, launcherStrings } from "./i18n/launcher.ts";
import { applyTheme } from "./theme/vars.ts";
import { baseCss } from "./theme/base-css.ts";
import type { AppHandle, MountApp } from "./app/host-api.ts";

const SITE_CONFIG_WAIT_MS = 1500;

type Stub = ((...args: unknown[]) => unknown) & { q?: ArrayLike<unknown>[] };
const w = window as unknown as { Parley?: Stub; parleySettings?: WidgetSettings };

/** Called once by widget.js with where it was loaded from and the site key. */
export function boot({ baseUrl, siteKey }: ScriptInfo & { siteKey: string }): void {
  const page: WidgetSettings = w.parleySettings && typeof w.parleySettings === "object" ? w.parleySettings : {};
  const markerKey = `parley:${siteKey}:active`;

  let site: WidgetSettings = {};
  let live: WidgetSettings = {};
  let settings = effectiveSettings([site, page]);
  let open = false;
  let unread = 0;
  let refused = false;
  /** The page element that had focus when the chat opened: where focus goes back when there is no launcher to return to. */
  let opener: HTMLElement | null = null;
  let app: AppHandle | null = null;
  let loading: Promise<AppHandle | null> | null = null;
  const events = createEvents();

  const host = createHost(baseCss);
  const launcher = createLauncher(
    () => setOpen(!open),
    () => setOpen(false),
    () => void importApp().catch(() => {}),
  );
  host.root.append(launcher.el);

  function paint() {
    settings = effectiveSettings([site, page, live]);
    const cssPrimary = getComputedStyle(host.el).getPropertyValue("--parley-primary").trim();
    const rtl = isRtl(settings.locale);
    host.root.dir = rtl ? "rtl" : "ltr";
    applyTheme(host.root, settings.theme, cssPrimary || undefined, rtl);
    host.root.dataset.launcher = settings.launcher?.hidden ? "hidden" : "shown";
    launcher.paint({
      ...settings.launcher,
      hidden: refused || settings.launcher?.hidden,
      open,
      unread,
      strings: launcherStrings(settings.locale, settings.strings),
    });
    app?.update();
  }

  let appModule: Promise<{ mount: MountApp }> | null = null;
  const importApp = (): Promise<{ mount: MountApp }> => (appModule ??= import("./app/main.tsx"));

  function ensureApp(): Promise<AppHandle | null> {
    loading ??= importApp().then(
      ({ mount }) =>
        (app = mount({
          baseUrl,
          siteKey,
          root: host.root,
          shadow: host.shadow,
          settings: () => settings,
          isOpen: () => open,
          requestClose: () => {
            const back = launcher.el.hidden ? opener : launcher.el;
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
      settings = effectiveSettings([site, page, live]);
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

  let shown = false;
  const show = () => {
    if (shown) return;
    shown = true;
    host.root.dataset.ready = "";
    paint();
    events.emit("ready");
  };
  const timer = setTimeout(show, SITE_CONFIG_WAIT_MS);
  fetch(`${baseUrl}/v1/widget/config?siteKey=${encodeURIComponent(siteKey)}`)
    .then((res) => {
      // An unknown site key, or a page on an origin the site does not allow: the chat could not work here.
      if (res.status === 403 || res.status === 404)
        throw new Error(`the relay refused site ${siteKey} on this page (${res.status})`);
      return res.ok ? res.json() : null;
    })
    .then(
      (config: { theme?: unknown; greeting?: unknown } | null) => {
        if (config && typeof config === "object")
          site = {
            theme: config.theme as WidgetSettings["theme"],
            greeting: typeof config.greeting === "string" ? config.greeting : undefined,
          };
        show();
      },
      (err: Error) => {
        // A network error (offline, a CSP without the relay) still shows the launcher; a refusal does not.
        if (err instanceof TypeError) return show();
        console.warn(`[parley] ${err.message}`);
        refused = true;
        paint();
      },
    )
    .finally(() => clearTimeout(timer));

  let hasConversation = false;
  try {
    hasConversation = localStorage.getItem(markerKey) !== null;
  } catch {
    // storage blocked (sandboxed frame, privacy mode): nothing to resume
  }
  if (page.open) setOpen(true);
  else if (hasConversation) void ensureApp();
}
