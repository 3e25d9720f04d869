/**
 * The visitor's context (CONTRACT §8): where they are, where they came from, what they browse
 * with. Page views come from the widget; the user agent from the socket's handshake. Query
 * strings and fragments are dropped unless the site allows them: they carry tokens that agents
 * must never see.
 */
import Bowser from "bowser";
import { PAGE_TRAIL_LENGTH, type PageView, type VisitorContext } from "../../shared/schemas/visitor.ts";

export interface ContextRules {
  /** Keep `?query` and `#fragment` of page URLs and the referrer (off by default). */
  queryStrings: boolean;
}

/** A URL as agents may see it: http(s) only, without credentials, query or fragment unless allowed. */
export function shownUrl(raw: string | undefined, rules: ContextRules): string | null {
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  url.username = "";
  url.password = "";
  if (!rules.queryStrings) {
    url.search = "";
    url.hash = "";
  }
  return url.href;
}

const devices = new Set(["desktop", "mobile", "tablet", "tv", "bot"]);

/** Browser, OS and device from a user-agent string, each null when it cannot be told. */
export function describeUserAgent(ua: string | undefined): Pick<VisitorContext, "browser" | "os" | "device"> {
  if (!ua) return { browser: null, os: null, device: null };
  const parsed = Bowser.parse(ua.slice(0, 1000));
  const named = (p: { name?: string; version?: string }) =>
    p.name ? [p.name, p.version?.split(".")[0]].filter(Boolean).join(" ") : null;
  // Windows reports its kernel ("NT 10.0"); people know it by its name ("10").
  const osVersion = parsed.os.name === "Windows" ? parsed.os.versionName : parsed.os.version;
  const os = parsed.os.name ? [parsed.os.name, osVersion].filter(Boolean).join(" ") : null;
  const type = parsed.platform.type;
  return {
    browser: named(parsed.browser),
    os,
    device: type && devices.has(type) ? (type as VisitorContext["device"]) : null,
  };
}

export function emptyContext(): VisitorContext {
  return {
    currentUrl: null,
    pageTitle: null,
    referrer: null,
    locale: null,
    timezone: null,
    browser: null,
    os: null,
    device: null,
    pages: [],
  };
}

/**
 * The context after one page view: the page becomes current and joins the trail (a reload of
 * the same page does not), keeping the last PAGE_TRAIL_LENGTH pages; the first referrer stays.
 */
export function afterPageView(
  prev: VisitorContext | null,
  view: PageView,
  userAgent: string | undefined,
  at: Date,
  rules: ContextRules,
): VisitorContext {
  const base = prev ?? emptyContext();
  const url = shownUrl(view.url, rules);
  const title = view.title.trim().slice(0, 300);
  const last = base.pages.at(-1);
  const pages =
    url && last?.url !== url
      ? [...base.pages, { url, title, at: at.toISOString() }].slice(-PAGE_TRAIL_LENGTH)
      : base.pages;
  return {
    ...base,
    ...(userAgent ? describeUserAgent(userAgent) : {}),
    currentUrl: url ?? base.currentUrl,
    pageTitle: url ? title || null : base.pageTitle,
    referrer: base.referrer ?? shownUrl(view.referrer, rules),
    locale: view.locale ?? base.locale,
    timezone: view.timezone ?? base.timezone,
    pages,
  };
}
