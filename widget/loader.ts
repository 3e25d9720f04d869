/**
 * widget.js: the embed script, a classic `<script async>` (no import.meta, no static imports),
 * as small as it can be because it is not content-hashed (every page view revalidates it). It
 * finds its own src and the site key, keeps a stub queue for Parley(…) calls, and imports the
 * content-hashed boot chunk (launcher, page API, settings: widget/boot.ts) from the same place.
 */
import { readScript } from "./loader/script.ts";

/** The boot chunk's path under the relay, filled in by the build. */
declare const __PARLEY_BOOT__: string;

const INSTANCE = "__parleyWidget";
type Stub = ((...args: unknown[]) => unknown) & { q?: unknown[] };
const w = window as unknown as { Parley?: Stub; parleySettings?: { site?: unknown }; [INSTANCE]?: true };

(() => {
  if (w[INSTANCE]) return; // the script tag was inserted twice: the first instance owns the page
  const settings = w.parleySettings && typeof w.parleySettings === "object" ? w.parleySettings : {};
  const script = readScript(document, settings);
  if (!script?.siteKey) {
    console.warn('[parley] no site key: add data-site="pk_…" to the widget.js script tag or set parleySettings.site');
    return;
  }
  w[INSTANCE] = true;
  // Calls made before the boot chunk runs wait in the queue, as with the page's own stub.
  const stub: Stub = (w.Parley ??= (...args: unknown[]) => void (stub.q ??= []).push(args));
  const { baseUrl, siteKey } = script;
  import(/* @vite-ignore */ `${baseUrl}/${__PARLEY_BOOT__}`).then(
    (m: typeof import("./boot.ts")) => m.boot({ baseUrl, siteKey }),
    (err) => console.error("[parley] could not load the chat", err),
  );
})();
