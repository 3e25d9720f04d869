/**
 * Placeholders in saved replies (CONTRACT §7): `{{contact.name}}`, `{{contact.email}}`,
 * `{{agent.name}}`, `{{site.name}}`, each with an optional fallback after a bar:
 * `{{contact.name | there}}`. Filled once, when a reply is inserted: a value is put in verbatim
 * and never read again, so a contact named "{{agent.name}}" stays exactly that.
 *
 * Unknown keys (`{{order.id}}`) are refused when a reply is saved (`unknownPlaceholders`), so a
 * stored reply only ever holds known ones; filling leaves anything it does not know untouched.
 */

export const placeholderKeys = ["contact.name", "contact.email", "agent.name", "site.name"] as const;
export type PlaceholderKey = (typeof placeholderKeys)[number];
/** The values at hand when a reply is inserted; a missing or blank one takes the fallback. */
export type PlaceholderValues = Partial<Record<PlaceholderKey, string | null>>;

/** `{{ key }}` or `{{ key | fallback }}`; a fallback holds no braces. */
const pattern = /\{\{\s*([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*)\s*(?:\|\s*([^{}]*?)\s*)?\}\}/g;

const isKnown = (key: string): key is PlaceholderKey => (placeholderKeys as readonly string[]).includes(key);

/** Fills every known placeholder: its value, else its fallback, else nothing. */
export function fillPlaceholders(text: string, values: PlaceholderValues): string {
  return text.replace(pattern, (whole, key: string, fallback: string | undefined) => {
    if (!isKnown(key)) return whole;
    const value = values[key]?.trim();
    return value ? value : (fallback ?? "");
  });
}

/** The placeholder keys in `text` that Parley does not know, each once, in order. */
export function unknownPlaceholders(text: string): string[] {
  const unknown = new Set<string>();
  for (const match of text.matchAll(pattern)) if (!isKnown(match[1]!)) unknown.add(match[1]!);
  return [...unknown];
}

/** Content fields a person reads (placeholders are filled there; urls and payloads stay as saved). */
const readable = new Set(["text", "title", "name", "alt", "address"]);

/** Applies `fn` to every readable string of a message's content, keeping its shape. */
export function mapReadable(value: unknown, fn: (text: string) => string, key = ""): unknown {
  if (typeof value === "string") return readable.has(key) ? fn(value) : value;
  if (Array.isArray(value)) return value.map((v) => mapReadable(v, fn, key));
  if (value && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapReadable(v, fn, k)]));
  return value;
}

/** A saved reply's message with its placeholders filled, ready for the composer. */
export function fillMessage<T extends { type: string; content: unknown }>(message: T, values: PlaceholderValues): T {
  return { ...message, content: mapReadable(message.content, (t) => fillPlaceholders(t, values)) };
}

/** Every readable string of a message's content (to check placeholders, or to preview it). */
export function readableTexts(content: unknown): string[] {
  const found: string[] = [];
  mapReadable(content, (t) => {
    found.push(t);
    return t;
  });
  return found;
}
