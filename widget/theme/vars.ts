import { readableOn } from "./contrast.ts";

/** The theme fields of the embed settings (CONTRACT §2). Page input: checked here, never trusted. */
export interface ThemeSettings {
  primaryColor?: string;
  textColor?: string;
  background?: string;
  fontFamily?: string;
  radius?: number | string;
  position?: "right" | "left";
  offsetX?: number | string;
  offsetY?: number | string;
  zIndex?: number;
  colorScheme?: "light" | "dark" | "auto";
}

export const DEFAULT_PRIMARY = "#4f46e5";
/** High enough to sit above most page chrome, low enough that a page can still go above it. */
export const DEFAULT_Z_INDEX = 2147483000;

const HEX = /^#(?:[0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i;

const color = (v: unknown): string | null => (typeof v === "string" && HEX.test(v) ? v : null);

/** 20 → "20px"; "1.5rem" stays; anything else → null. */
export function cssLength(v: unknown): string | null {
  if (typeof v === "number" && Number.isFinite(v)) return `${v}px`;
  if (typeof v !== "string") return null;
  const m = /^(-?\d+(?:\.\d+)?)(px|rem|em|%|vh|vw)?$/.exec(v.trim());
  return m ? m[1]! + (m[2] ?? "px") : null;
}

/**
 * Theme → private custom properties for the widget's root element (null = unset, so the
 * stylesheet's defaults and colour-scheme rules apply). The page's own `--parley-*` properties
 * on the host still win in the stylesheet; `cssPrimary` is that value when the page set one, so
 * that the text drawn on it stays readable too.
 */
export function themeVars(theme: ThemeSettings = {}, cssPrimary?: string): Record<string, string | null> {
  const primary = color(cssPrimary) ?? color(theme.primaryColor) ?? DEFAULT_PRIMARY;
  const background = color(theme.background);
  const font =
    typeof theme.fontFamily === "string" && /^[^;{}<>\\]{1,200}$/.test(theme.fontFamily) ? theme.fontFamily : null;
  const z = typeof theme.zIndex === "number" && Number.isInteger(theme.zIndex) ? String(theme.zIndex) : null;
  return {
    "--_primary": primary,
    "--_on": readableOn(primary, color(theme.textColor) ?? undefined),
    "--_bg": background,
    "--_fg": background ? readableOn(background) : null,
    "--_font": font,
    "--_radius": cssLength(theme.radius),
    "--_ox": cssLength(theme.offsetX),
    "--_oy": cssLength(theme.offsetY),
    "--_z": z,
  };
}

/**
 * Applies themeVars and the position/scheme attributes to the widget's root element. A
 * right-to-left widget (`rtl`) sits in the left corner unless the theme names a side.
 */
export function applyTheme(root: HTMLElement, theme: ThemeSettings = {}, cssPrimary?: string, rtl = false): void {
  for (const [name, value] of Object.entries(themeVars(theme, cssPrimary))) {
    if (value === null) root.style.removeProperty(name);
    else root.style.setProperty(name, value);
  }
  const side = theme.position === "left" || theme.position === "right" ? theme.position : rtl ? "left" : "right";
  root.dataset.side = side;
  root.dataset.scheme = theme.colorScheme === "dark" || theme.colorScheme === "auto" ? theme.colorScheme : "light";
}
