/**
 * The one rule for text drawn on a coloured surface: black or white, whichever has the higher
 * WCAG 2 contrast ratio against it, unless the site gives its own text colour.
 */

/** "#abc", "#aabbcc" or "#aabbccdd" → [r, g, b] in 0–255; anything else → null. */
export function parseHex(color: string): [number, number, number] | null {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(color.trim());
  if (!m) return null;
  const hex = m[1]!.length === 3 ? m[1]!.replace(/./g, "$&$&") : m[1]!;
  return [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
}

/** WCAG relative luminance of an sRGB colour. */
export function luminance(rgb: [number, number, number]): number {
  return rgb.reduce((sum, c, i) => {
    const s = c / 255;
    return sum + [0.2126, 0.7152, 0.0722][i]! * (s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4);
  }, 0);
}

/** WCAG contrast ratio (1–21) between two hex colours; null if either is not a hex colour. */
export function contrastRatio(a: string, b: string): number | null {
  const ca = parseHex(a);
  const cb = parseHex(b);
  if (!ca || !cb) return null;
  const [hi, lo] = [luminance(ca), luminance(cb)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * The colour for text and icons on `background`: `textColor` when it is a hex colour, else black
 * or white, whichever contrasts more. A background that is not a hex colour gets white.
 */
export function readableOn(background: string, textColor?: string): string {
  if (textColor && parseHex(textColor)) return textColor;
  const rgb = parseHex(background);
  // Contrast with white is 1.05 / (L + 0.05), with black (L + 0.05) / 0.05.
  const l = rgb ? luminance(rgb) : 0;
  return 1.05 / (l + 0.05) >= (l + 0.05) / 0.05 ? "#ffffff" : "#000000";
}
