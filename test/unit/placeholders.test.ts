import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { fillMessage, fillPlaceholders, placeholderKeys, unknownPlaceholders } from "../../shared/placeholders.ts";

const ada = { "contact.name": "Ada", "contact.email": "ada@example.com", "agent.name": "Sam", "site.name": "Shop" };

describe("placeholders", () => {
  it("fills each known key, with spaces inside the braces too", () => {
    expect(fillPlaceholders("Hi {{contact.name}}, {{ agent.name }} from {{site.name}} here", ada)).toBe(
      "Hi Ada, Sam from Shop here",
    );
    expect(fillPlaceholders("Mail: {{contact.email}}", ada)).toBe("Mail: ada@example.com");
  });

  it("uses the fallback when the value is missing or blank, else nothing", () => {
    expect(fillPlaceholders("Hi {{contact.name | there}}!", {})).toBe("Hi there!");
    expect(fillPlaceholders("Hi {{contact.name|there}}!", { "contact.name": "  " })).toBe("Hi there!");
    expect(fillPlaceholders("Hi {{contact.name | there}}!", ada)).toBe("Hi Ada!");
    expect(fillPlaceholders("Hi {{contact.name}}!", { "contact.name": null })).toBe("Hi !");
  });

  it("keeps unknown keys and stray braces verbatim, and lists the unknown ones", () => {
    expect(fillPlaceholders("Order {{order.id}} {{ nope", ada)).toBe("Order {{order.id}} {{ nope");
    expect(unknownPlaceholders("{{order.id}} {{contact.name}} {{order.id | x}} {{foo}}")).toEqual(["order.id", "foo"]);
    expect(unknownPlaceholders("{{contact.name | friend}} {{site.name}}")).toEqual([]);
  });

  it("never expands a value again: a contact named like a placeholder stays as named", () => {
    expect(fillPlaceholders("Hi {{contact.name}}", { "contact.name": "{{agent.name}}", "agent.name": "Sam" })).toBe(
      "Hi {{agent.name}}",
    );
  });

  it("fills the readable fields of any message type, never its urls or payloads", () => {
    const cards = {
      type: "cards",
      content: {
        cards: [
          {
            title: "For {{contact.name}}",
            text: "{{site.name}}",
            imageUrl: "https://x.test/{{contact.name}}.png",
            buttons: [{ title: "Hi {{agent.name}}", payload: "{{contact.name}}" }],
          },
        ],
      },
    };
    expect(fillMessage(cards, ada).content).toEqual({
      cards: [
        {
          title: "For Ada",
          text: "Shop",
          imageUrl: "https://x.test/{{contact.name}}.png",
          buttons: [{ title: "Hi Sam", payload: "{{contact.name}}" }],
        },
      ],
    });
  });

  // Templates made of brace-free text and placeholders: what a saved reply holds.
  const plain = fc.string().filter((s) => !s.includes("{") && !s.includes("}"));
  const key = fc.constantFrom(...placeholderKeys);
  const fallback = fc.option(
    plain.filter((s) => !s.includes("|")),
    { nil: undefined },
  );
  const piece = fc.oneof(
    plain.map((text) => ({ text })),
    fc.record({ key, fallback }).map((p) => ({ p })),
  );
  const values = fc.record(
    Object.fromEntries(placeholderKeys.map((k) => [k, fc.option(plain, { nil: undefined })])) as Record<
      (typeof placeholderKeys)[number],
      fc.Arbitrary<string | undefined>
    >,
  );

  it("property: filling leaves no placeholder behind and matches its pieces one by one", () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), values, (pieces, vals) => {
        const template = pieces
          .map((x) =>
            "text" in x ? x.text : `{{${x.p.key}${x.p.fallback !== undefined ? ` | ${x.p.fallback}` : ""}}}`,
          )
          .join("");
        const want = pieces
          .map((x) => {
            if ("text" in x) return x.text;
            const v = vals[x.p.key]?.trim();
            return v ? v : (x.p.fallback?.trim() ?? "");
          })
          .join("");
        const filled = fillPlaceholders(template, vals);
        expect(filled).toBe(want);
        expect(filled).not.toMatch(/\{\{/);
        expect(unknownPlaceholders(template)).toEqual([]);
      }),
    );
  });

  it("property: text without placeholders is left exactly as it was, and values go in verbatim", () => {
    fc.assert(
      fc.property(plain, values, (text, vals) => {
        expect(fillPlaceholders(text, vals)).toBe(text);
      }),
    );
    fc.assert(
      fc.property(fc.string(), (name) => {
        fc.pre(name.trim() !== "");
        expect(fillPlaceholders("{{contact.name}}", { "contact.name": name })).toBe(name.trim());
      }),
    );
  });
});
