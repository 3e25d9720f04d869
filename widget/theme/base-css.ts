/**
 * The boot chunk's stylesheet: the host reset, the theme tokens and the launcher. Adopted as a
 * constructable stylesheet (no <style>, no inline style attribute: strict-CSP safe). Sizes are
 * in px so that the page's root font size cannot scale the widget.
 *
 * The host: `all: initial !important` — !important declarations inside a shadow tree beat the
 * page's, so `* { all: unset !important }` cannot reach it, and inherited properties
 * (font, colour, line-height, letter-spacing…) start from scratch. Custom properties are not
 * touched by `all`, so `parley-widget { --parley-primary: … }` still themes it.
 */
export const baseCss = `
:host{all:initial!important;display:block!important;position:static!important;visibility:visible!important;opacity:1!important;width:0!important;height:0!important;overflow:visible!important}
.w{--_primary:#4f46e5;--_on:#fff;--_bg:#ffffff;--_fg:#111827;--_muted:#6b7280;--_surface:#f3f4f6;--_border:#e5e7eb;--_radius:16px;--_ox:20px;--_oy:20px;--_z:2147483000;--_font:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
--p:var(--parley-primary,var(--_primary));--on:var(--parley-on-primary,var(--_on));--bg:var(--parley-background,var(--_bg));--fg:var(--parley-text,var(--_fg));--r:var(--parley-radius,var(--_radius));
position:fixed;top:0;left:0;width:0;height:0;z-index:var(--_z);font:14px/1.45 var(--parley-font,var(--_font));color:var(--fg);text-align:start;direction:ltr;-webkit-text-size-adjust:100%;color-scheme:light}
.w[dir=rtl]{direction:rtl}
.w[data-scheme=dark]{--_bg:#111827;--_fg:#f9fafb;--_muted:#9ca3af;--_surface:#1f2937;--_border:#374151;color-scheme:dark}
@media (prefers-color-scheme:dark){.w[data-scheme=auto]{--_bg:#111827;--_fg:#f9fafb;--_muted:#9ca3af;--_surface:#1f2937;--_border:#374151;color-scheme:dark}}
[hidden]{display:none!important}
.launcher{box-sizing:border-box;position:fixed;right:var(--_ox);bottom:var(--_oy);display:flex;align-items:center;justify-content:center;gap:8px;min-width:56px;height:56px;margin:0;padding:0 14px;border:0;border-radius:28px;background:var(--p);color:var(--on);font:600 15px/1 var(--parley-font,var(--_font));letter-spacing:normal;text-transform:none;cursor:pointer;box-shadow:0 6px 20px rgba(0,0,0,.22);opacity:0;visibility:hidden;transition:transform .15s ease,opacity .2s ease}
.w[data-side=left] .launcher{right:auto;left:var(--_ox)}
.w[data-ready] .launcher{opacity:1;visibility:visible}
.launcher:hover{transform:scale(1.05)}
.launcher:focus-visible{outline:3px solid var(--p);outline-offset:3px}
.launcher svg{display:block;width:28px;height:28px;fill:currentColor}
.launcher .i-x,.launcher[aria-expanded=true] .i-chat{display:none}
.launcher[aria-expanded=true] .i-x{display:block}
.launcher[aria-expanded=true] .label{display:none}
.badge{position:absolute;top:-4px;inset-inline-end:-4px;box-sizing:border-box;min-width:22px;height:22px;padding:0 6px;border:2px solid #fff;border-radius:11px;background:#dc2626;color:#fff;font:700 12px/18px var(--parley-font,var(--_font));text-align:center}
@media (prefers-reduced-motion:reduce){.launcher{transition:none}.launcher:hover{transform:none}}
`;
