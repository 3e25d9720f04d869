/**
 * JSON text for plain data, whatever the page did to the built-ins: Prototype.js puts a
 * `toJSON` on Array.prototype (JSON.stringify([1]) is then '"[1]"'), and an enumerable property
 * on Object.prototype is not an own key. Everything the widget sends or stores goes through here.
 */
export function toJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => (skip(x) ? "null" : toJson(x))).join(",")}]`;
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  if (v && typeof v === "object") {
    const parts: string[] = [];
    for (const k of Object.keys(v)) {
      const x = (v as Record<string, unknown>)[k];
      if (!skip(x)) parts.push(`${JSON.stringify(k)}:${toJson(x)}`);
    }
    return `{${parts.join(",")}}`;
  }
  // A primitive: no toJSON is consulted for it.
  return JSON.stringify(v) ?? "null";
}

const skip = (x: unknown) => x === undefined || typeof x === "function" || typeof x === "symbol";
