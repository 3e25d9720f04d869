/**
 * What the widget remembers per site key in the host page's storage (localStorage by default):
 * `parley:<siteKey>:visitor` the visitor token, `parley:<siteKey>:conversation` the current
 * conversation id, `parley:<siteKey>:outbox` the messages not yet acknowledged, `parley:<siteKey>:skipped`
 * the conversations whose rating the visitor skipped. Every read goes
 * to storage, so that tabs of one origin share one state; blocked storage (privacy modes,
 * sandboxed frames) degrades to this page only.
 */
export type StoredName = "visitor" | "conversation" | "outbox" | "skipped";

export interface SiteStorage {
  readonly keys: Record<StoredName, string>;
  get(name: StoredName): string | null;
  set(name: StoredName, value: string | null): void;
  readJson<T>(name: StoredName, fallback: T): T;
  /** Forgets everything of this site. */
  clear(): void;
}

export function defaultStorage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}

export function siteStorage(storage: Storage | null, siteKey: string): SiteStorage {
  const keys: Record<StoredName, string> = {
    visitor: `parley:${siteKey}:visitor`,
    conversation: `parley:${siteKey}:conversation`,
    outbox: `parley:${siteKey}:outbox`,
    skipped: `parley:${siteKey}:skipped`,
  };
  // Where storage is blocked, the state lives as long as the page.
  const memory = new Map<string, string>();
  const get = (name: StoredName): string | null => {
    try {
      if (storage) return storage.getItem(keys[name]);
    } catch {
      // fall through to memory
    }
    return memory.get(keys[name]) ?? null;
  };
  const set = (name: StoredName, value: string | null) => {
    if (value === null) memory.delete(keys[name]);
    else memory.set(keys[name], value);
    try {
      if (value === null) storage?.removeItem(keys[name]);
      else storage?.setItem(keys[name], value);
    } catch {
      // quota or blocked: memory keeps it for this page
    }
  };
  return {
    keys,
    get,
    set,
    readJson<T>(name: StoredName, fallback: T): T {
      const text = get(name);
      if (!text) return fallback;
      try {
        return JSON.parse(text) as T;
      } catch {
        return fallback;
      }
    },
    clear() {
      for (const name of Object.keys(keys) as StoredName[]) set(name, null);
    },
  };
}
