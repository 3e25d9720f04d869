/**
 * widget.js: the embed script, a classic `<script async>` (no import.meta, no static imports),
 * as small as it can be because it is not content-hashed (every page view revalidates it). It
 * finds its own src and the site key, keeps a stub queue for Parley(…) calls, paints the
 * launcher itself (loader/view.ts: the shadow root, the theme, the site's stored settings), and
 * imports the content-hashed boot chunk (page API, open state, the app: widget/boot.ts), which
 * drives the launcher from then on.
 */
import { readScript } from "./loader/script.ts";
import { createView } from "./loader/view.ts";

/** The boot chunk's path under the relay, filled in by the build. */
declare const __PARLEY_BOOT__: string;

const INSTANCE = "__parleyWidget";
type Stub = ((...args: unknown[]) => unknown) & { q?: unknown[] };
const w = window as unknown as { Parley?: Stub; parleySettings?: object; [INSTANCE]?: true };

(() => {
  if (w[INSTANCE]) return; // the script tag was inserted twice: the first instance owns the page
  const page = (typeof w.parleySettings === "object" && w.parleySettings) || {};
  const script = readScript(document, page);
  if (!script?.siteKey) {
    console.warn('[parley] no site key (data-site="pk_…")');
    return;
  }
  w[INSTANCE] = true;
  // Calls made before the boot chunk runs wait in the queue, as with the page's own stub.
  const stub: Stub = (w.Parley ??= (...args: unknown[]) => void (stub.q ??= []).push(args));
  const { baseUrl, siteKey } = script;
  const view = createView(baseUrl, siteKey, page, (command) => w.Parley!(command));
  import(/* @vite-ignore */ `${baseUrl}/${__PARLEY_BOOT__}`).then(
    (m: typeof import("./boot.ts")) => m.boot({ baseUrl, siteKey, view }),
    (err) => console.error("[parley] could not load the chat", err),
  );
})();
