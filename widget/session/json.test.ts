import { afterEach, describe, expect, it } from "vitest";
import { toJson } from "./json.ts";

const proto = Array.prototype as unknown as { toJSON?: () => string };
const objectProto = Object.prototype as unknown as { polluted?: string };

describe("toJson", () => {
  afterEach(() => {
    delete proto.toJSON;
    delete objectProto.polluted;
  });

  it("writes what JSON.stringify writes for plain data", () => {
    const value = { a: [1, "two", null, true, { b: [] }], c: 'quote " and \\ and \n', d: undefined, e: NaN };
    expect(toJson(value)).toBe(JSON.stringify(value));
    expect(toJson([undefined, () => 1])).toBe("[null,null]");
    expect(toJson(new Date(0))).toBe('"1970-01-01T00:00:00.000Z"');
  });

  it("ignores a page's Array.prototype.toJSON (Prototype.js) and Object.prototype properties", () => {
    proto.toJSON = function (this: unknown[]) {
      return `[${this.join(", ")}]`;
    };
    objectProto.polluted = "by the page";
    expect(JSON.stringify(["send", 1])).toBe('"[send, 1]"'); // what the page did to JSON
    expect(toJson(["send", { text: "hi", ids: [1, 2] }])).toBe('["send",{"text":"hi","ids":[1,2]}]');
  });
});
