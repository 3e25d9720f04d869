import * as en from "./en.ts";
import * as sv from "./sv.ts";
import { baseLocale, pick } from "./launcher.ts";
import type { UiStrings } from "./en.ts";

export type { UiStrings };
export { format } from "./launcher.ts";

const defaults: UiStrings = { ...en.launcher, ...en.ui };
const tables: Record<string, Partial<UiStrings>> = { en: defaults, sv: { ...sv.launcher, ...sv.ui } };

/** Every UI string for `locale` (English when unknown), with the page's `strings` overrides applied. */
export function uiStrings(locale: string | undefined, overrides: Record<string, unknown> = {}): UiStrings {
  return pick(defaults, tables[baseLocale(locale)] ?? defaults, overrides);
}

export const locales = Object.keys(tables);
