import type { ThemeSettings } from "../theme/vars.ts";
import type { VisitorUser } from "../session/types.ts";

/** window.parleySettings and Parley("update", …): CONTRACT §2. */
export interface WidgetSettings {
  site?: string;
  title?: string;
  subtitle?: string;
  greeting?: string | null;
  placeholder?: string;
  theme?: ThemeSettings;
  launcher?: { label?: string; hidden?: boolean };
  locale?: string;
  strings?: Record<string, string>;
  user?: VisitorUser;
  preChat?: { fields?: string[]; required?: boolean };
  open?: boolean;
  sound?: boolean;
}

const NESTED = new Set(["theme", "launcher", "strings", "user", "preChat"]);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** `patch` over `base`: nested objects (theme, launcher, strings, user, preChat) merge one level deep; undefined leaves a value alone. */
export function mergeSettings(base: WidgetSettings, patch: unknown): WidgetSettings {
  if (!isObject(patch)) return base;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined || key === "__proto__") continue;
    out[key] = NESTED.has(key) && isObject(value) ? { ...(isObject(out[key]) ? out[key] : {}), ...value } : value;
  }
  return out as WidgetSettings;
}

/** The layers, lowest first: the site's stored defaults, the page's settings, live updates. */
export function effectiveSettings(layers: unknown[]): WidgetSettings {
  return layers.reduce<WidgetSettings>(mergeSettings, {});
}
