import { signal } from "@preact/signals";
import * as en from "./en.ts";
import { baseLocale, launcherStrings, pick, en as launcher } from "./launcher.ts";
import type { UiStrings } from "./en.ts";

export type { UiStrings };
export { format, isRtl } from "./launcher.ts";

type Table = { ui: object };
const defaults: UiStrings = { ...launcher, ...en.ui };
/** Every other language is a chunk of its own, fetched the first time a visitor needs it. */
const loaders: Record<string, () => Promise<Table>> = {
  sv: () => import("./sv.ts"),
  ar: () => import("./ar.ts"),
};
/** The tables loaded so far: a signal, so that a panel drawn in English redraws once its language arrives. */
const tables = signal<Record<string, Partial<UiStrings>>>({ en: defaults });
const loading = new Map<string, Promise<void>>();

/** Fetches `locale`'s strings (once; English and unknown locales need nothing). */
export function loadStrings(locale: string | undefined): Promise<void> {
  const base = baseLocale(locale);
  const load = loaders[base];
  if (!load || tables.peek()[base]) return Promise.resolve();
  let p = loading.get(base);
  if (!p) {
    p = load().then(
      (m) => void (tables.value = { ...tables.peek(), [base]: { ...launcherStrings(base), ...m.ui } }),
      () => void loading.delete(base), // a failed fetch is tried again on the next draw
    );
    loading.set(base, p);
  }
  return p;
}

/**
 * Every UI string for `locale` (English when unknown, and until the language's chunk has
 * loaded: asking starts the load), with the page's `strings` overrides applied.
 */
export function uiStrings(locale: string | undefined, overrides: Record<string, unknown> = {}): UiStrings {
  const table = tables.value[baseLocale(locale)];
  if (!table) void loadStrings(locale);
  return pick(defaults, table ?? defaults, overrides);
}

export const locales = ["en", ...Object.keys(loaders)];
