import { createHost, type Host } from "./host.ts";
import { createLauncher } from "./launcher.ts";
import type { WidgetSettings } from "./settings.ts";
import { isRtl, launcherStrings } from "../i18n/launcher.ts";
import { applyLauncherTheme } from "../theme/vars.ts";
import { launcherCss } from "../theme/base-css.ts";

/** How long the launcher waits for the site's stored theme before it shows in the page's. */
const SITE_CONFIG_WAIT_MS = 1500;

/** What paint() draws: the settings in force, whether the panel is open, the unread count. */
export interface ViewState {
  settings: WidgetSettings;
  open: boolean;
  unread: number;
}

/**
 * The launcher as widget.js paints it, handed to the boot chunk (widget/boot.ts), which drives it
 * from then on by replacing `state` and `painted`.
 */
export interface View {
  host: Host;
  launcher: HTMLButtonElement;
  /** The site's stored settings: {} until the relay answered, or when it could not be asked. */
  site: WidgetSettings;
  /** Resolves when the launcher shows; never where the relay refused the site on this page. */
  ready: Promise<void>;
  /**
   * The state to paint. widget.js's own: the page's settings over the site's theme, closed,
   * nothing unread; the boot chunk's layers every setting (loader/settings.ts).
   */
  state(): ViewState;
  /** Paints the launcher and its theme from state(), then calls painted() (the boot chunk: the panel's). */
  paint(): void;
  painted(): void;
}

/**
 * Creates <parley-widget> with its launcher, fetches the site's stored theme and greeting, and
 * shows the launcher when they arrive (or after SITE_CONFIG_WAIT_MS): all in widget.js, so the
 * launcher needs no other script. A relay that refuses the site (unknown key, an origin it does
 * not allow) gets no launcher.
 */
export function createView(
  baseUrl: string,
  siteKey: string,
  page: WidgetSettings,
  command: (name: "toggle" | "close") => void,
): View {
  const host = createHost(launcherCss);
  const { root } = host;
  let refused = false;
  // Clicks and Escape go through the page API (queued until the boot chunk answers it).
  const launcher = createLauncher(
    () => command("toggle"),
    () => command("close"),
  );
  root.append(launcher.el);

  let show!: () => void;
  const view: View = {
    host,
    launcher: launcher.el,
    site: {},
    ready: new Promise<void>((resolve) => (show = resolve)).then(() => {
      root.dataset.ready = "";
    }),
    state: () => ({ settings: { ...page, theme: { ...view.site.theme, ...page.theme } }, open: false, unread: 0 }),
    paint() {
      const { settings, open, unread } = view.state();
      const rtl = isRtl(settings.locale);
      root.dir = rtl ? "rtl" : "ltr";
      applyLauncherTheme(root, settings.theme, getComputedStyle(host.el).getPropertyValue("--parley-primary"), rtl);
      launcher.paint({
        ...settings.launcher,
        hidden: refused || settings.launcher?.hidden,
        open,
        unread,
        strings: launcherStrings(settings.locale, settings.strings),
      });
      view.painted();
    },
    painted() {},
  };
  view.paint();

  const timer = setTimeout(show, SITE_CONFIG_WAIT_MS);
  fetch(`${baseUrl}/v1/widget/config?siteKey=${encodeURIComponent(siteKey)}`)
    .then(async (res) => {
      // An unknown site key, or a page on an origin the site does not allow: the chat could not work here.
      if (res.status === 403 || res.status === 404) {
        refused = true;
        console.warn(`[parley] site ${siteKey} refused here (${res.status})`);
      } else if (res.ok) {
        // The relay's public site config (shared/schemas: PublicSiteConfig): its theme and greeting are settings.
        const { theme, greeting } = (await res.json()) as WidgetSettings;
        view.site = { theme, greeting };
      }
    })
    // A network error (offline, a CSP without the relay) still shows the launcher; a refusal does not.
    .catch(() => {})
    .finally(() => {
      clearTimeout(timer);
      view.paint();
      if (!refused) show();
    });
  return view;
}
