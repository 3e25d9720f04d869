// @vitest-environment jsdom
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render, screen, waitFor } from "@testing-library/preact";
import userEvent from "@testing-library/user-event";
import type { Api } from "../api/client.ts";
import type { SearchPage } from "../../shared/schemas/index.ts";
import { markSnippet, snippetParts } from "../../shared/search-marks.ts";
import { conversation } from "../state/fixtures.test-support.ts";
import { createSearch } from "../state/search.ts";
import { seqFromHash, hashFor } from "../state/route.ts";
import { SearchBox } from "./SearchBox.tsx";

afterEach(cleanup);

/** An API whose search answers after `delay(q)` ms with one result naming the query. */
function searchApi(delay: (q: string) => number = () => 0) {
  const asked: string[] = [];
  const api: Api = {
    async get<T>(_path: string, query?: Record<string, unknown>) {
      const q = String(query?.q);
      asked.push(q);
      await new Promise((r) => setTimeout(r, delay(q)));
      const page: SearchPage = {
        items: [
          {
            conversation: conversation({ id: `conv_${q}`, contact: null, topic: `About ${q}` }),
            matches: [{ messageId: "msg_1", seq: 7, snippet: `a <mark>${q}</mark> &lt;b&gt;here&lt;/b&gt;` }],
          },
        ],
        hasMore: false,
        nextCursor: null,
      };
      return page as T;
    },
    send: async <T,>() => undefined as T,
    upload: async <T,>() => undefined as T,
  };
  return { api, asked };
}

describe("search marks", () => {
  it("round-trips marked and plain text, escaping everything but the marks", () => {
    const parts = [
      { text: "<script>&", marked: false },
      { text: "Brûlée", marked: true },
      { text: " 'x' \"y\"", marked: false },
    ];
    const s = markSnippet(parts);
    expect(s).toBe("&lt;script&gt;&amp;<mark>Brûlée</mark> &#39;x&#39; &quot;y&quot;");
    expect(snippetParts(s)).toEqual(parts);
    expect(snippetParts("no marks <mark>open only")).toEqual([{ text: "no marks <mark>open only", marked: false }]);
  });
});

describe("search state", () => {
  it("waits for a pause in typing, and keeps only the latest query's answer", async () => {
    const { api, asked } = searchApi((q) => (q === "ref" ? 50 : 0));
    const search = createSearch(api, 10);
    void search.type("r");
    const slow = search.type("ref");
    await new Promise((r) => setTimeout(r, 20));
    const fast = search.type("refund");
    await Promise.all([slow, fast]);
    await new Promise((r) => setTimeout(r, 60));
    expect(asked).toEqual(["ref", "refund"]);
    expect(search.results.value.map((r) => r.conversation.id)).toEqual(["conv_refund"]);
  });
});

describe("search box", () => {
  it("is focused by Ctrl+K, shows marked snippets as text, and links to the message", async () => {
    const { api } = searchApi();
    render(<SearchBox api={api} />);
    const box = screen.getByRole("searchbox", { name: "Search conversations" });
    expect(document.activeElement).not.toBe(box);
    await userEvent.keyboard("{Control>}k{/Control}");
    expect(document.activeElement).toBe(box);
    await userEvent.type(box, "refund");
    const link = await waitFor(() => screen.getByRole("link", { name: /About refund/ }));
    expect(link.getAttribute("href")).toBe("#/conversations/conv_refund?seq=7");
    const mark = link.querySelector("mark")!;
    expect(mark.textContent).toBe("refund");
    // The escaped tags are shown as text, not made into elements.
    expect(link.querySelector("b")).toBeNull();
    expect(link.textContent).toContain("<b>here</b>");
    await userEvent.keyboard("{Escape}");
    expect(screen.queryByRole("link")).toBeNull();
  });

  it("reads the message to show from the address", () => {
    expect(seqFromHash(hashFor("conv_1", 12))).toBe(12);
    expect(seqFromHash(hashFor("conv_1"))).toBeNull();
    expect(seqFromHash("#/conversations/conv_1?seq=x")).toBeNull();
  });
});
