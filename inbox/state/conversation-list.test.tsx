import { describe, expect, it } from "vitest";
import type { Conversation } from "../../shared/schemas/index.ts";
import type { Api } from "../api/client.ts";
import { createConversationList } from "./conversation-list.ts";
import { conversation, message } from "./fixtures.test-support.ts";

/** An API that answers list requests from pages given up front, and records what it was asked. */
function pagedApi(pages: { items: Conversation[]; hasMore: boolean; nextCursor: string | null }[]) {
  const asked: Record<string, unknown>[] = [];
  const api: Api = {
    async get<T>(_path: string, query?: Record<string, unknown>) {
      asked.push(query ?? {});
      const page = query?.cursor ? pages[1] : pages[0];
      return page as T;
    },
    async send<T>() {
      return undefined as T;
    },
    async upload<T>() {
      return undefined as T;
    },
  };
  return { api, asked };
}

const at = (minute: number) => `2026-01-01T10:${String(minute).padStart(2, "0")}:00.000Z`;

describe("conversation list", () => {
  it("shows a renamed contact's new name on every conversation of theirs", async () => {
    const ann = { id: "ct_1", name: "Ann", email: null, phone: null, externalId: null };
    const bob = { ...ann, id: "ct_2", name: "Bob" };
    const { api } = pagedApi([
      {
        items: [
          conversation({ id: "conv_2", updatedAt: at(2), contact: ann }),
          conversation({ id: "conv_1", updatedAt: at(1), contact: bob }),
        ],
        hasMore: false,
        nextCursor: null,
      },
    ]);
    const list = createConversationList(api, () => "ag_me");
    await list.reload();
    list.updateContact({ ...ann, name: "Ann Lee", metadata: {}, createdAt: at(0), updatedAt: at(5) });
    expect(list.items.value.map((c) => c.contact?.name)).toEqual(["Ann Lee", "Bob"]);
  });

  it("loads page after page with the cursor, without duplicates", async () => {
    const first = [conversation({ id: "conv_3", updatedAt: at(3) }), conversation({ id: "conv_2", updatedAt: at(2) })];
    const second = [conversation({ id: "conv_2", updatedAt: at(2) }), conversation({ id: "conv_1", updatedAt: at(1) })];
    const { api, asked } = pagedApi([
      { items: first, hasMore: true, nextCursor: "c1" },
      { items: second, hasMore: false, nextCursor: null },
    ]);
    const list = createConversationList(api, () => "ag_me");
    await list.reload();
    expect(list.hasMore.value).toBe(true);
    await list.loadMore();
    expect(list.items.value.map((c) => c.id)).toEqual(["conv_3", "conv_2", "conv_1"]);
    expect(asked[1]).toMatchObject({ cursor: "c1", status: "open" });
    expect(list.hasMore.value).toBe(false);
  });

  it("puts a conversation heard live on top, and drops it when it leaves the filter", async () => {
    const { api } = pagedApi([
      { items: [conversation({ id: "conv_1", updatedAt: at(1) })], hasMore: false, nextCursor: null },
    ]);
    const list = createConversationList(api, () => "ag_me");
    await list.reload();
    list.upsert(conversation({ id: "conv_2", updatedAt: at(5), lastMessage: message(1) }));
    expect(list.items.value.map((c) => c.id)).toEqual(["conv_2", "conv_1"]);
    expect(list.totalUnread.value).toBe(1);

    list.upsert(conversation({ id: "conv_1", updatedAt: at(6) }));
    expect(list.items.value.map((c) => c.id)).toEqual(["conv_1", "conv_2"]);

    list.upsert(conversation({ id: "conv_2", updatedAt: at(7), status: "closed" }));
    expect(list.items.value.map((c) => c.id)).toEqual(["conv_1"]);
  });

  it("ignores a stale copy that arrives after a newer one", async () => {
    const { api } = pagedApi([{ items: [], hasMore: false, nextCursor: null }]);
    const list = createConversationList(api, () => "ag_me");
    await list.reload();
    list.upsert(conversation({ id: "conv_1", updatedAt: at(5), tags: ["new"] }));
    list.upsert(conversation({ id: "conv_1", updatedAt: at(4), tags: [] }));
    expect(list.items.value[0]!.tags).toEqual(["new"]);
  });

  it("clears a conversation's unread count when an agent read it", async () => {
    const { api } = pagedApi([
      {
        items: [conversation({ id: "conv_1", lastMessage: message(4), readUpTo: { contact: 4, agent: 1 } })],
        hasMore: false,
        nextCursor: null,
      },
    ]);
    const list = createConversationList(api, () => "ag_me");
    await list.reload();
    expect(list.totalUnread.value).toBe(3);
    list.markRead("conv_1", 4);
    expect(list.totalUnread.value).toBe(0);
  });
});
