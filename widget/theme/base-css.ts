/**
 * widget.js's stylesheet: the host reset, the launcher's theme tokens and the launcher (the
 * panel's tokens, panelTokensCss below, go in the app chunk's sheet). Adopted as a constructable
 * stylesheet (no <style>, no inline style attribute: strict-CSP safe). Sizes are in px so that
 * the page's root font size cannot scale the widget.
 *
 * The host: `all: initial !important` — !important declarations inside a shadow tree beat the
 * page's, so `* { all: unset !important }` (or `display: none`, `opacity`, `position`…) cannot
 * reach it, and inherited properties (font, colour, line-height, letter-spacing…) start from
 * scratch. The themed root's `dir` attribute sets its direction. Custom properties are not
 * touched by `all`, so `parley-widget { --parley-primary: … }` still themes it.
 */
export const launcherCss = `
:host{all:initial!important;display:block!important;width:0!important;height:0!important}
.w{--_ox:20px;--_oy:20px;--_z:2147483000;--_font:system-ui,sans-serif;--p:var(--parley-primary,var(--_primary));--on:var(--parley-on-primary,var(--_on));position:fixed;top:0;left:0;z-index:var(--_z);font:14px/1.45 var(--parley-font,var(--_font));-webkit-text-size-adjust:100%}
[hidden]{display:none!important}
.launcher{box-sizing:border-box;position:fixed;right:var(--_ox);bottom:var(--_oy);display:flex;align-items:center;justify-content:center;gap:8px;min-width:56px;height:56px;margin:0;padding:0 14px;border:0;border-radius:28px;background:var(--p);color:var(--on);font:600 15px/1 var(--parley-font,var(--_font));cursor:pointer;box-shadow:0 6px 20px #0003}
.w[data-side=left] .launcher{right:auto;left:var(--_ox)}
.w:not([data-ready]) .launcher{opacity:0;visibility:hidden}
.launcher:focus-visible{outline:3px solid var(--p);outline-offset:3px}
.launcher svg{width:28px;height:28px;fill:currentColor}
.badge{position:absolute;top:-4px;inset-inline-end:-4px;min-width:6px;padding:0 6px;border:2px solid #fff;border-radius:11px;background:#dc2626;color:#fff;font:700 12px/18px var(--parley-font,var(--_font))}
@media (prefers-reduced-motion:no-preference){.launcher{transition:transform .15s,opacity .2s}.launcher:hover{transform:scale(1.05)}}
`;

/** The panel's theme tokens (the app's sheet starts with them): colours by scheme, radius. */
export const panelTokensCss = `
.w{--_bg:#ffffff;--_fg:#111827;--_muted:#6b7280;--_surface:#f3f4f6;--_border:#e5e7eb;--_radius:16px;--bg:var(--parley-background,var(--_bg));--fg:var(--parley-text,var(--_fg));--r:var(--parley-radius,var(--_radius));color:var(--fg);color-scheme:light}
.w[data-scheme=dark]{--_bg:#111827;--_fg:#f9fafb;--_muted:#9ca3af;--_surface:#1f2937;--_border:#374151;color-scheme:dark}
@media (prefers-color-scheme:dark){.w[data-scheme=auto]{--_bg:#111827;--_fg:#f9fafb;--_muted:#9ca3af;--_surface:#1f2937;--_border:#374151;color-scheme:dark}}
`;
