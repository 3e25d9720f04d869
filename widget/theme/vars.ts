import { parseHex, readableOn } from "./contrast.ts";

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

/** A hex colour, or null (page input: nothing else reaches a style). */
const color = (v: unknown): string | null => (typeof v === "string" && parseHex(v) ? v.trim() : null);

/** 20 → "20px"; "1.5rem" stays; anything else → null. */
export function cssLength(v: unknown): string | null {
  const m =
    (typeof v === "number" || typeof v === "string") &&
    /^(-?\d+(?:\.\d+)?)(px|rem|em|%|vh|vw)?$/.exec(String(v).trim());
  return m ? m[1]! + (m[2] ?? "px") : null;
}

/**
 * Theme → the launcher's private custom properties for the widget's root element (null = unset,
 * so the stylesheet's defaults apply): widget.js paints them. The page's own `--parley-*`
 * properties on the host still win in the stylesheet; `cssPrimary` is that value when the page
 * set one ("" or unset when it did not), so that the text drawn on it stays readable too.
 */
export function launcherVars(theme: ThemeSettings = {}, cssPrimary?: string): Record<string, string | null> {
  const primary = color(cssPrimary) ?? color(theme.primaryColor) ?? DEFAULT_PRIMARY;
  const font =
    typeof theme.fontFamily === "string" && /^[^;{}<>\\]{1,200}$/.test(theme.fontFamily) ? theme.fontFamily : null;
  return {
    "--_primary": primary,
    "--_on": readableOn(primary, color(theme.textColor) ?? undefined),
    "--_font": font,
    "--_ox": cssLength(theme.offsetX),
    "--_oy": cssLength(theme.offsetY),
    "--_z": Number.isInteger(theme.zIndex) ? String(theme.zIndex) : null,
  };
}

/** Theme → the panel's private custom properties (the boot chunk paints them, theme/base-css.ts panelTokensCss). */
export function panelVars(theme: ThemeSettings = {}): Record<string, string | null> {
  const background = color(theme.background);
  return {
    "--_bg": background,
    "--_fg": background ? readableOn(background) : null,
    "--_radius": cssLength(theme.radius),
  };
}

/** Sets custom properties on `el`; null removes one (CSSOM's setProperty takes null as ""). */
export function setVars(el: HTMLElement, vars: Record<string, string | null>): void {
  for (const [name, value] of Object.entries(vars)) el.style.setProperty(name, value);
}

/**
 * The launcher's theme on the widget's root element: launcherVars and its corner. A
 * right-to-left widget (`rtl`) sits in the left corner unless the theme names a side.
 */
export function applyLauncherTheme(
  root: HTMLElement,
  theme: ThemeSettings = {},
  cssPrimary?: string,
  rtl = false,
): void {
  setVars(root, launcherVars(theme, cssPrimary));
  root.dataset.side = theme.position === "left" || theme.position === "right" ? theme.position : rtl ? "left" : "right";
}

/** The panel's theme on the widget's root element: panelVars and its colour scheme. */
export function applyPanelTheme(root: HTMLElement, theme: ThemeSettings = {}): void {
  setVars(root, panelVars(theme));
  root.dataset.scheme = theme.colorScheme === "dark" || theme.colorScheme === "auto" ? theme.colorScheme : "light";
}
