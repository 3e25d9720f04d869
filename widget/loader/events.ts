export type EventName = "ready" | "open" | "close" | "message" | "unread";
type Handler = (payload?: unknown) => void;

/** Parley("on" | "off") handlers. "ready" is a state: a handler added after it fired runs at once. */
export function createEvents() {
  const handlers = new Map<string, Set<Handler>>();
  let ready = false;
  return {
    on(name: string, fn: unknown) {
      if (typeof fn !== "function") return;
      if (!handlers.has(name)) handlers.set(name, new Set());
      handlers.get(name)!.add(fn as Handler);
      if (name === "ready" && ready) call(fn as Handler);
    },
    off(name: string, fn?: unknown) {
      if (fn === undefined) handlers.delete(name);
      else handlers.get(name)?.delete(fn as Handler);
    },
    emit(name: EventName, payload?: unknown) {
      if (name === "ready") ready = true;
      for (const fn of [...(handlers.get(name) ?? [])]) call(fn, payload);
    },
  };
}

/** A page handler that throws must not break the widget. */
function call(fn: Handler, payload?: unknown) {
  try {
    fn(payload);
  } catch (err) {
    console.error("[parley] event handler failed", err);
  }
}
