import { describe, expect, it } from "vitest";
import { handOver, Outbox, newClientId } from "./outbox.ts";
import { siteStorage } from "./storage.ts";

/** A Storage held in memory, shared like one origin's localStorage. */
function memoryStorage(): Storage {
  const map = new Map<string, string>();
  return {
    get length() {
      return map.size;
    },
    clear: () => map.clear(),
    getItem: (k) => map.get(k) ?? null,
    key: (i) => [...map.keys()][i] ?? null,
    removeItem: (k) => void map.delete(k),
    setItem: (k, v) => void map.set(k, String(v)),
  };
}

const text = (t: string) => ({ type: "text" as const, content: { text: t } });

describe("the outbox", () => {
  it("keeps unsent messages in order under the site key, each with its own client id", () => {
    const storage = memoryStorage();
    const outbox = new Outbox(siteStorage(storage, "pk_a"));
    const a = outbox.add(text("first"));
    const b = outbox.add(text("second"));
    expect(a.clientId).not.toBe(b.clientId);
    expect(a.clientId).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(outbox.items().map((i) => i.message.content)).toEqual([{ text: "first" }, { text: "second" }]);
    expect(JSON.parse(storage.getItem("parley:pk_a:outbox")!)).toHaveLength(2);
    expect(new Outbox(siteStorage(storage, "pk_b")).items()).toEqual([]);
  });

  it("survives a reload and loses an item only when it is acknowledged", () => {
    const storage = memoryStorage();
    const a = new Outbox(siteStorage(storage, "pk_a")).add(text("offline"));
    new Outbox(siteStorage(storage, "pk_a")).add(text("still offline"));
    const reloaded = new Outbox(siteStorage(storage, "pk_a"));
    expect(reloaded.items()).toHaveLength(2);
    reloaded.remove(a.clientId);
    reloaded.remove(a.clientId);
    expect(reloaded.items().map((i) => i.message.content)).toEqual([{ text: "still offline" }]);
  });

  it("ignores what it cannot read back, and works where storage is blocked", () => {
    const storage = memoryStorage();
    storage.setItem("parley:pk_a:outbox", "{not json");
    expect(new Outbox(siteStorage(storage, "pk_a")).items()).toEqual([]);
    storage.setItem("parley:pk_a:outbox", JSON.stringify([{ clientId: 1 }, null]));
    expect(new Outbox(siteStorage(storage, "pk_a")).items()).toEqual([]);
    const blocked = {
      getItem: () => {
        throw new Error("blocked");
      },
      setItem: () => {
        throw new Error("blocked");
      },
      removeItem: () => {},
    } as unknown as Storage;
    const outbox = new Outbox(siteStorage(blocked, "pk_a"));
    outbox.add(text("kept in memory"));
    expect(outbox.items()).toHaveLength(1);
  });

  it("keeps showing what another tab sent until this tab holds it, and never what this tab settled itself", () => {
    const storage = memoryStorage();
    const first = new Outbox(siteStorage(storage, "pk_a"));
    const second = new Outbox(siteStorage(storage, "pk_a"));
    const a = first.add(text("typed in the first tab"));
    const b = first.add(text("typed next"));
    const shown = first.items();
    // The second tab delivered `a` while the first tab's socket was still reconnecting.
    second.remove(a.clientId);
    let held = handOver([], shown, first.items(), new Set(), 3);
    expect(held).toEqual([{ item: a, round: 3 }]);
    // Nothing new left: the same list, so the session starts no second resync.
    expect(handOver(held, first.items(), first.items(), new Set(), 4)).toBe(held);
    // The first tab acknowledged `b` itself (it is stored here): not handed over; `a` arrived live: settled.
    first.remove(b.clientId);
    held = handOver(held, [b], first.items(), new Set([b.clientId]), 4);
    expect(held).toEqual([{ item: a, round: 3 }]);
    expect(handOver(held, [], first.items(), new Set([a.clientId]), 4)).toEqual([]);
  });

  it("makes client ids that do not repeat", () => {
    const ids = new Set(Array.from({ length: 1000 }, newClientId));
    expect(ids.size).toBe(1000);
  });
});
