import { describe, expect, it } from "vitest";
import type { Api } from "../api/client.ts";
import { createThread, mergeBySeq } from "./thread.ts";
import { conversation, message } from "./fixtures.test-support.ts";

describe("thread", () => {
  it("merges messages by seq without duplicates", () => {
    const merged = mergeBySeq([message(1), message(2)], [message(2, { content: { text: "again" } }), message(3)]);
    expect(merged.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(merged[1]!.content).toEqual({ text: "again" });
  });

  it("loads the newest page, pages back with before, and fetches what a gap missed", async () => {
    const asked: string[] = [];
    const api: Api = {
      async get<T>(path: string, query?: Record<string, unknown>) {
        asked.push(`${path} ${JSON.stringify(query ?? {})}`);
        if (!path.endsWith("/messages")) return conversation({ lastMessage: message(40) }) as T;
        if (query?.before === 11)
          return { items: [10, 9, 8, 7, 6, 5, 4, 3, 2, 1].map((s) => message(s)), total: 40, hasMore: false } as T;
        if (query?.after === 40) return { items: [message(41)], total: 42, hasMore: false } as T;
        return { items: Array.from({ length: 30 }, (_, i) => message(40 - i)), total: 40, hasMore: true } as T;
      },
      async send<T>() {
        return undefined as T;
      },
      async upload<T>() {
        return undefined as T;
      },
    };
    const thread = createThread(api, "conv_a");
    await thread.load();
    expect(thread.messages.value.map((m) => m.seq)[0]).toBe(11);
    await thread.loadOlder();
    expect(thread.messages.value).toHaveLength(40);
    expect(thread.hasOlder.value).toBe(false);

    thread.receive(message(42));
    await new Promise<void>((resolve) => {
      const stop = thread.messages.subscribe((ms) => {
        if (ms.length === 42) {
          resolve();
          queueMicrotask(() => stop());
        }
      });
    });
    expect(thread.messages.value.map((m) => m.seq).slice(-3)).toEqual([40, 41, 42]);
    expect(asked.some((a) => a.includes('"after":40'))).toBe(true);
  });

  it("shows the visitor typing until they send, and grows a streamed message by its deltas", () => {
    const api: Api = {
      get: async <T,>() => undefined as T,
      send: async <T,>() => undefined as T,
      upload: async <T,>() => undefined as T,
    };
    const thread = createThread(api, "conv_a");
    thread.setContactTyping(true, "Ann");
    expect(thread.contactTyping.value).toBe("Ann");
    thread.receive(message(1));
    expect(thread.contactTyping.value).toBeNull();

    thread.receive(
      message(2, { sender: { type: "bot", id: null, name: "Bot" }, state: "streaming", content: { text: "Hel" } }),
    );
    thread.appendText("msg_2", 3, "lo");
    thread.appendText("msg_2", 99, "ignored: a delta from the wrong place");
    expect(thread.messages.value[1]!.content).toEqual({ text: "Hello" });
    thread.dispose();
  });
});
