/** A Storage held in memory, shared like one origin's localStorage between the sessions given it. */
export function memoryStorage(): Storage & { snapshot(): Storage } {
  const map = new Map<string, string>();
  const make = (m: Map<string, string>): Storage & { snapshot(): Storage } => ({
    get length() {
      return m.size;
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, String(v)),
    snapshot: () => make(new Map(m)),
  });
  return make(map);
}
