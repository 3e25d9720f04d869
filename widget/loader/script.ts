/** Where widget.js was loaded from: the relay's base URL (path prefix included) and the site key. */
export interface ScriptInfo {
  baseUrl: string;
  siteKey: string | null;
}

/** `https://example.com/chat/widget.js?v=2` → `https://example.com/chat`. */
export function baseUrlOf(src: string): string {
  return new URL(".", src).href.replace(/\/$/, "");
}

/** The running widget.js (a classic script: document.currentScript is it while it runs). */
export function readScript(doc: Document, settings: { site?: unknown }): ScriptInfo | null {
  const script = doc.currentScript as HTMLScriptElement | null;
  if (!script?.src) return null;
  const site = script.dataset.site ?? (typeof settings.site === "string" ? settings.site : null);
  return { baseUrl: baseUrlOf(script.src), siteKey: site };
}
