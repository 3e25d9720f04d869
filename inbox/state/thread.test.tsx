import { describe, expect, it } from "vitest";
import type { Api } from "../api/client.ts";
import type { Message } from "../../shared/schemas/index.ts";
import { createThread } from "./thread.ts";
import { conversation, message } from "./fixtures.test-support.ts";

describe("thread", () => {
  it("keeps a streamed message complete when a history page that raced message.completed still has it streaming", async () => {
    const partial = message(2, {
      sender: { type: "bot", id: null, name: "Bot" },
      state: "streaming",
      content: { text: "Hel" },
    });
    const complete: Message = { ...partial, state: "complete", content: { text: "Hello, how can I help?" } };
    let answerPage: (page: { items: Message[]; total: number; hasMore: boolean }) => void = () => {};
    const api: Api = {
      async get<T>(path: string) {
        if (!path.endsWith("/messages")) return conversation({ lastMessage: partial }) as T;
        // The page was read while the bot was still streaming, and arrives after message.completed.
        return new Promise<T>((resolve) => (answerPage = resolve as typeof answerPage));
      },
      send: async <T,>() => undefined as T,
      upload: async <T,>() => undefined as T,
    };
    const thread = createThread(api, "conv_a");
    const loading = thread.load();
    thread.receive(message(1));
    thread.receive(complete);
    await Promise.resolve();
    answerPage({ items: [message(1), partial], total: 2, hasMore: false });
    await loading;
    expect(thread.messages.value.map((m) => [m.seq, m.state, m.content])).toEqual([
      [1, "complete", { text: "message 1" }],
      [2, "complete", { text: "Hello, how can I help?" }],
    ]);
    // A late delta of the finished stream changes nothing either.
    thread.appendText("msg_2", 3, "p me?");
    expect(thread.messages.value[1]!.content).toEqual({ text: "Hello, how can I help?" });
    thread.dispose();
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
    thread.appendText("msg_2", 3, "lo");
    expect(thread.messages.value[1]!.content).toEqual({ text: "Hello" });
    thread.dispose();
  });

  it("fetches a streamed message again when a delta shows text is missing, keeping the longer copy", async () => {
    const asked: Record<string, unknown>[] = [];
    const stored = message(2, {
      sender: { type: "bot", id: null, name: "Bot" },
      state: "streaming",
      content: { text: "Hello wor" },
    });
    const api: Api = {
      async get<T>(_path: string, query?: Record<string, unknown>) {
        asked.push(query ?? {});
        return { items: [stored], total: 2, hasMore: false } as T;
      },
      send: async <T,>() => undefined as T,
      upload: async <T,>() => undefined as T,
    };
    const thread = createThread(api, "conv_a");
    thread.receive(message(1));
    thread.receive({ ...stored, content: { text: "Hel" } });
    thread.appendText("msg_2", 5, "wor");
    await new Promise<void>((resolve) => {
      const stop = thread.messages.subscribe((ms) => {
        if (ms[1]?.content.text === "Hello wor") {
          resolve();
          queueMicrotask(() => stop());
        }
      });
    });
    expect(asked).toEqual([{ limit: 1, after: 1 }]);
    thread.dispose();
  });
});
