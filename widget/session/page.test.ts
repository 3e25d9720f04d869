// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Connection } from "./connection.ts";
import { createPageReporter } from "./page.ts";

/** A connection that records the pages it is asked to send. */
function fakeLink(online = true) {
  const sent: { url: string; title: string; locale?: string; timezone?: string }[] = [];
  const link = {
    online: () => online,
    call: (event: string, payload: (typeof sent)[number]) => {
      if (event === "page") sent.push(payload);
      return Promise.resolve({ ok: true });
    },
  };
  return { link: link as unknown as Connection, sent };
}

const reporters: { stop(): void }[] = [];
afterEach(() => {
  for (const r of reporters.splice(0)) r.stop();
  vi.useRealTimers();
});

describe("page reporting (CONTRACT §8)", () => {
  it("reports each navigation, pushState and back included, at most once a second with the latest page", () => {
    vi.useFakeTimers();
    const { link, sent } = fakeLink();
    reporters.push(createPageReporter(link));
    document.title = "Home";
    history.pushState({}, "", "/home");
    vi.advanceTimersByTime(0);
    expect(sent.map((p) => [p.url, p.title])).toEqual([["http://localhost:3000/home", "Home"]]);
    expect(sent[0]!.locale).toBe(navigator.language);
    expect(sent[0]!.timezone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);

    // Three navigations within the second: one report, of the last page, when the second is up.
    history.pushState({}, "", "/a");
    history.pushState({}, "", "/b");
    document.title = "Cart";
    history.replaceState({}, "", "/cart");
    vi.advanceTimersByTime(999);
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sent.map((p) => [p.url, p.title])).toEqual([
      ["http://localhost:3000/home", "Home"],
      ["http://localhost:3000/cart", "Cart"],
    ]);

    vi.advanceTimersByTime(5_000);
    window.dispatchEvent(new PopStateEvent("popstate"));
    vi.advanceTimersByTime(0);
    expect(sent).toHaveLength(3);
  });

  it("sends nothing while offline (the next welcome reports the page), and nothing after stop", () => {
    vi.useFakeTimers();
    const offline = fakeLink(false);
    const r = createPageReporter(offline.link);
    history.pushState({}, "", "/x");
    vi.advanceTimersByTime(2_000);
    expect(offline.sent).toEqual([]);
    r.stop();
    const { link, sent } = fakeLink();
    const stopped = createPageReporter(link);
    stopped.stop();
    history.pushState({}, "", "/y");
    vi.advanceTimersByTime(2_000);
    expect(sent).toEqual([]);
  });
});
