import type { Connection } from "./connection.ts";

/** At most one report a second; the page as it is when the report leaves wins. */
const THROTTLE_MS = 1000;

let navigated: (() => void) | undefined;

/**
 * Reports the page the visitor is on (CONTRACT §8) over the relay: on every welcome and on every
 * navigation (pushState, replaceState, popstate, hashchange, so SPAs too), throttled. The relay
 * strips query strings unless the site allows them and reads the user agent from the handshake.
 */
export function createPageReporter(link: Connection): { report(): void; stop(): void } {
  let last = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const send = () => {
    timer = undefined;
    last = Date.now();
    if (!link.online()) return; // the next welcome reports the page then
    void link
      .call("page", {
        // Past the relay's limit, the page without its query still tells where the visitor is.
        url: location.href.length > 2048 ? location.origin + location.pathname.slice(0, 1500) : location.href,
        title: document.title.slice(0, 300),
        ...(document.referrer && document.referrer.length <= 2048 ? { referrer: document.referrer } : {}),
        locale: navigator.language,
        timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      })
      .catch(() => {});
  };
  const report = () => {
    timer ??= setTimeout(send, Math.max(0, last + THROTTLE_MS - Date.now()));
  };
  if (typeof window === "undefined") return { report() {}, stop() {} };
  if (!navigated) {
    for (const name of ["pushState", "replaceState"] as const) {
      const original = history[name];
      history[name] = function (this: History, ...args: Parameters<History["pushState"]>) {
        original.apply(this, args);
        navigated?.();
      };
    }
  }
  navigated = report;
  addEventListener("popstate", report);
  addEventListener("hashchange", report);
  return {
    report,
    stop() {
      clearTimeout(timer);
      if (navigated === report) navigated = () => {};
      removeEventListener("popstate", report);
      removeEventListener("hashchange", report);
    },
  };
}
