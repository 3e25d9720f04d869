/** The renderers' stylesheet as text, for a constructable stylesheet (CSP-safe). Themed through --pm-* custom properties. */
export const messageCss = `
.pm-text { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.pm-text a, .pm-file, .pm-image { color: inherit; text-decoration: underline; }
.pm-caret { display: inline-block; width: .5em; height: 1em; margin-inline-start: 2px; vertical-align: text-bottom; background: currentColor; opacity: .6; animation: pm-blink 1s steps(2) infinite; }
@keyframes pm-blink { 50% { opacity: 0; } }
@media (prefers-reduced-motion: reduce) { .pm-caret { animation: none; } }
.pm-options { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }
.pm-option { display: inline-block; box-sizing: border-box; margin: 6px 0 0; margin-inline-end: 6px; padding: 6px 12px; border: 1px solid var(--pm-accent, #4f46e5); border-radius: 999px; background: var(--pm-surface, #fff); color: var(--pm-accent-text, var(--pm-accent, #4f46e5)); font: inherit; font-size: 13px; line-height: 18px; text-decoration: none; cursor: pointer; }
.pm-options .pm-option { margin: 0; }
.pm-option:hover { background: var(--pm-accent, #4f46e5); color: var(--pm-on-accent, #fff); }
.pm-option:focus-visible { outline: 2px solid var(--pm-accent, #4f46e5); outline-offset: 2px; }
.pm-option:disabled { opacity: .5; cursor: default; }
.pm-cards { display: flex; gap: 8px; margin: 0; padding: 0 0 4px; list-style: none; overflow-x: auto; scroll-snap-type: x mandatory; }
.pm-card { flex: 0 0 200px; scroll-snap-align: start; border: 1px solid var(--pm-border, #e5e7eb); border-radius: 12px; overflow: hidden; background: var(--pm-surface, #fff); color: var(--pm-text, #111827); }
.pm-card-image { display: block; width: 100%; height: 110px; object-fit: cover; }
.pm-card-body { padding: 10px; }
.pm-card-title { margin: 0 0 4px; font-weight: 600; }
.pm-image { display: block; }
.pm-image img { display: block; box-sizing: border-box; min-width: 48px; min-height: 48px; max-width: 100%; max-height: 320px; width: auto; height: auto; object-fit: contain; border-radius: 10px; }
.pm-file { display: flex; align-items: center; gap: 8px; }
.pm-file-name { font-weight: 600; overflow-wrap: anywhere; }
.pm-meta { opacity: .75; font-size: 12px; white-space: nowrap; }
.pm-location .pm-option, .pm-contact .pm-option { margin-top: 6px; }
`;
