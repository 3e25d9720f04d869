/** The few strings the launcher needs (in the boot chunk), in every locale; the app loads the rest per language ({n} is a count). */
export const en = { openChat: "Open chat", unread: "{n} unread" };
export const launcherTables: Record<string, typeof en> = {
  en,
  sv: { openChat: "Öppna chatten", unread: "{n} olästa" },
  ar: { openChat: "افتح المحادثة", unread: "{n} غير مقروءة" },
};

export type LauncherStrings = typeof en;

export function launcherStrings(locale: string | undefined, overrides: Record<string, unknown> = {}): LauncherStrings {
  return pick(en, launcherTables[baseLocale(locale)] ?? en, overrides);
}

/** "sv-SE" → "sv". */
export function baseLocale(locale: string | undefined): string {
  return (locale ?? "en").toLowerCase().split(/[-_]/)[0]!;
}

/** Languages written right to left: the widget mirrors its layout for them. */
export const isRtl = (locale: string | undefined): boolean => /^(ar|he|fa|ur)$/.test(baseLocale(locale));

/** Every key of `defaults`, from `overrides` when it is a string there, else from `table`. */
export function pick<T extends Record<string, string>>(
  defaults: T,
  table: Partial<T>,
  overrides: Record<string, unknown>,
): T {
  const out = {} as Record<string, string>;
  for (const key of Object.keys(defaults)) {
    const o = overrides[key];
    out[key] = typeof o === "string" ? o : (table[key] ?? defaults[key]!);
  }
  return out as T;
}

/** "{n} unread" with { n: 2 } → "2 unread". */
export function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in values ? String(values[k]) : m));
}
