import { describe, expect, it } from "vitest";
import { ui as enUi } from "../../widget/i18n/en.ts";
import { ui as svUi } from "../../widget/i18n/sv.ts";
import { ui as arUi } from "../../widget/i18n/ar.ts";
import { locales } from "../../widget/i18n/index.ts";
import { launcherTables } from "../../widget/i18n/launcher.ts";
import { transcriptTables } from "../../widget/i18n/transcript.ts";

/**
 * Every language file has every key of every string table (the panel's, the launcher's, the
 * transcript screen's), non-empty where English is, with the same {placeholders}: a key missing
 * in one language would show English (or a blank) to its visitors.
 */
const panel: Record<string, Record<string, string>> = { en: enUi, sv: svUi, ar: arUi };
const tables: Record<string, Record<string, Record<string, string>>> = {
  panel,
  launcher: launcherTables,
  transcript: transcriptTables,
};
const placeholders = (s: string) => [...s.matchAll(/\{\w+\}/g)].map((m) => m[0]).sort();

describe("widget languages", () => {
  it("every table has the same languages as the widget offers", () => {
    for (const [name, table] of Object.entries(tables))
      expect(Object.keys(table).sort(), name).toEqual([...locales].sort());
  });

  for (const [name, table] of Object.entries(tables))
    it(`every language has every ${name} key, filled in where English is, with its placeholders`, () => {
      const en = table.en!;
      for (const locale of locales) {
        const strings = table[locale]!;
        expect(Object.keys(strings).sort(), `${name} ${locale}`).toEqual(Object.keys(en).sort());
        for (const [key, text] of Object.entries(en)) {
          const translated = strings[key]!;
          expect(typeof translated, `${name} ${locale} ${key}`).toBe("string");
          if (text) expect(translated.trim(), `${name} ${locale} ${key}`).not.toBe("");
          expect(placeholders(translated), `${name} ${locale} ${key}`).toEqual(placeholders(text));
        }
      }
    });
});
