import { useEffect, useState } from "preact/hooks";
import type { VisitorContext } from "../../shared/schemas/index.ts";
import { shortWhen } from "./format.ts";

/** The visitor's clock, "14:05", or null when their time zone is unknown or not one the browser knows. */
export function localTime(timezone: string | null, now: Date): string | null {
  if (!timezone) return null;
  try {
    return new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", timeZone: timezone }).format(now);
  } catch {
    return null;
  }
}

/** The current minute, re-rendering on the next one. */
function useMinute(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setTimeout(() => setNow(new Date()), 60_000 - (now.getTime() % 60_000) + 50);
    return () => clearTimeout(timer);
  }, [now]);
  return now;
}

const unknown = <span class="muted">Unknown</span>;

/** A page link as the visitor's host shows it: opened apart, without telling the host who followed it. */
function PageLink({ url, title }: { url: string; title: string | null }) {
  return (
    <a href={url} target="_blank" rel="noopener noreferrer" title={url}>
      {title || url}
    </a>
  );
}

/** Where the visitor is and what they browse with (CONTRACT §8), live while they browse. */
export function VisitorPanel({ visitor: v }: { visitor: VisitorContext }) {
  const now = useMinute();
  const clock = localTime(v.timezone, now);
  const pages = [...v.pages].reverse();
  const software = [v.browser, v.os].filter(Boolean).join(" on ");
  return (
    <section class="panel" aria-labelledby="visitor-title">
      <h3 id="visitor-title">Visitor</h3>
      <dl class="facts">
        <dt>Current page</dt>
        <dd>{v.currentUrl ? <PageLink url={v.currentUrl} title={v.pageTitle} /> : unknown}</dd>
        <dt>Local time</dt>
        <dd>{clock ? `${clock} (${v.timezone})` : unknown}</dd>
        <dt>Browser</dt>
        <dd>{software ? `${software}${v.device ? ` · ${v.device}` : ""}` : unknown}</dd>
        <dt>Referrer</dt>
        <dd>
          {v.referrer ? (
            <a href={v.referrer} target="_blank" rel="noopener noreferrer">
              {v.referrer}
            </a>
          ) : (
            <span class="muted">None</span>
          )}
        </dd>
        <dt>Locale</dt>
        <dd>{v.locale ?? unknown}</dd>
      </dl>
      <h4 id="trail-title">Pages visited</h4>
      {pages.length === 0 ? (
        <p class="muted">No pages yet</p>
      ) : (
        <ol class="trail" aria-labelledby="trail-title">
          {pages.map((p) => (
            <li>
              <time dateTime={p.at}>{shortWhen(p.at, now)}</time> <PageLink url={p.url} title={p.title} />
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
