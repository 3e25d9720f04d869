import { describe, expect, it } from "vitest";
import {
  AppendBody,
  CompleteBody,
  CreateConversationBody,
  HistoryQuery,
  ListConversationsQuery,
  Metadata,
  PatchConversationBody,
  SiteInput,
  Tag,
  TokenInput,
  parseMessageInput,
} from "../../shared/schemas/index.ts";
import { errorBody, errorCodes } from "../../shared/errors.ts";
import { zodDetails } from "../../server/domain/validation.ts";

/** The shared schemas: what the API accepts and refuses, decided in one place. */
describe("message input", () => {
  it("turns the { text } shorthand into a text message", () => {
    expect(parseMessageInput({ text: "hi" })).toEqual({
      ok: true,
      value: { type: "text", content: { text: "hi" }, streaming: false },
    });
  });

  it("accepts { type, content } for each type and checks content by type", () => {
    expect(parseMessageInput({ type: "location", content: { latitude: 1, longitude: 2 } }).ok).toBe(true);
    const bad = parseMessageInput({ type: "location", content: { latitude: 100, longitude: 2 } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(zodDetails(bad.issues).map((d) => d.path)).toEqual(["content.latitude"]);
  });

  it("a streamed message may start empty, only as text", () => {
    expect(parseMessageInput({ text: "", streaming: true })).toEqual({
      ok: true,
      value: { type: "text", content: { text: "" }, streaming: true },
    });
    expect(parseMessageInput({ text: "" }).ok).toBe(false);
    expect(
      parseMessageInput({ type: "image", content: { url: "https://example.com/a.png" }, streaming: true }).ok,
    ).toBe(false);
    expect(parseMessageInput({ text: "a", streaming: 1 }).ok).toBe(false);
  });

  it("refuses what is not an object, blank text and NUL characters", () => {
    for (const input of [
      null,
      [],
      "text",
      5,
      { text: "  \n " },
      { text: "a\u0000b" },
      { type: "text", content: { text: "x".repeat(20_001) } },
    ]) {
      expect(parseMessageInput(input).ok, JSON.stringify(input)?.slice(0, 40)).toBe(false);
    }
  });

  it("card buttons carry a url or a payload, never both, and only http(s) urls", () => {
    const card = (button: object) =>
      parseMessageInput({ type: "cards", content: { cards: [{ title: "A", buttons: [button] }] } }).ok;
    expect(card({ title: "Go", url: "https://example.com" })).toBe(true);
    expect(card({ title: "Go", payload: "go" })).toBe(true);
    expect(card({ title: "Go" })).toBe(false);
    expect(card({ title: "Go", url: "https://example.com", payload: "go" })).toBe(false);
    expect(card({ title: "Go", url: "javascript:alert(1)" })).toBe(false);
  });
});

describe("conversation bodies and queries", () => {
  it("create: contact or contactId, never both; closed is not a starting status; unknown fields refused", () => {
    expect(CreateConversationBody.safeParse({ contact: { name: "A" }, contactId: "ct_1" }).success).toBe(false);
    expect(CreateConversationBody.safeParse({ status: "closed" }).success).toBe(false);
    expect(CreateConversationBody.safeParse({ status: "waiting", priority: "urgent", tags: ["a"] }).success).toBe(true);
    expect(CreateConversationBody.safeParse({ color: "red" }).success).toBe(false);
    expect(CreateConversationBody.safeParse({ contactId: "ct_\u0000" }).success).toBe(false);
  });

  it("patch: assignee is an agent id or null", () => {
    expect(PatchConversationBody.safeParse({ assignee: null }).success).toBe(true);
    expect(PatchConversationBody.safeParse({ assignee: "ag_abc" }).success).toBe(true);
    expect(PatchConversationBody.safeParse({ assignee: "bob" }).success).toBe(false);
  });

  it("list: limit defaults to 20, at most 100; assignee may be none", () => {
    expect(ListConversationsQuery.parse({}).limit).toBe(20);
    expect(ListConversationsQuery.parse({ limit: "100", assignee: "none" })).toMatchObject({
      limit: 100,
      assignee: "none",
    });
    expect(ListConversationsQuery.safeParse({ limit: "101" }).success).toBe(false);
    expect(ListConversationsQuery.safeParse({ limit: "0" }).success).toBe(false);
  });

  it("history: limit defaults to 10, at most 100, one of skip/before/after, seq within 32 bits", () => {
    expect(HistoryQuery.parse({})).toEqual({ limit: 10 });
    expect(HistoryQuery.parse({ before: "5", limit: "3" })).toEqual({ before: 5, limit: 3 });
    expect(HistoryQuery.safeParse({ skip: "1", after: "2" }).success).toBe(false);
    expect(HistoryQuery.safeParse({ after: "2147483648" }).success).toBe(false);
    expect(HistoryQuery.safeParse({ limit: "abc" }).success).toBe(false);
  });

  it("tags: no slash, question mark, hash or leading space; unicode welcome", () => {
    expect(Tag.safeParse("överföring ✓").success).toBe(true);
    for (const bad of ["a/b", "a?b", "a#b", " lead", "", "x".repeat(65)])
      expect(Tag.safeParse(bad).success, bad).toBe(false);
  });

  it("metadata: at most 50 keys and 16 KB", () => {
    expect(Metadata.safeParse({ a: 1, b: { c: [true] } }).success).toBe(true);
    expect(Metadata.safeParse(Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]))).success).toBe(
      false,
    );
    expect(Metadata.safeParse({ big: "x".repeat(17_000) }).success).toBe(false);
  });

  it("append and complete refuse unknown fields", () => {
    expect(AppendBody.safeParse({ text: "a", extra: 1 }).success).toBe(false);
    expect(CompleteBody.safeParse({}).success).toBe(true);
    expect(CompleteBody.safeParse({ text: "" }).success).toBe(false);
  });
});

describe("sites and tokens", () => {
  it("allowed origins are bare origins; themes are strict", () => {
    expect(
      SiteInput.safeParse({ name: "S", allowedOrigins: ["https://a.example", "http://localhost:3000"] }).success,
    ).toBe(true);
    expect(SiteInput.safeParse({ name: "S", allowedOrigins: ["https://a.example/path"] }).success).toBe(false);
    expect(SiteInput.safeParse({ name: "S", theme: { primaryColor: "#4f46e5", position: "left" } }).success).toBe(true);
    expect(SiteInput.safeParse({ name: "S", theme: { primaryColor: "red" } }).success).toBe(false);
    expect(SiteInput.safeParse({ name: "S", theme: { fontFamily: "x;}body{display:none" } }).success).toBe(false);
  });

  it("a token may be scoped to a site by id", () => {
    expect(TokenInput.safeParse({ name: "ci", siteId: "site_abc" }).success).toBe(true);
    expect(TokenInput.safeParse({ name: "ci", siteId: "abc" }).success).toBe(false);
  });
});

describe("errors", () => {
  it("the envelope is { error: { code, message, details } } and each code has one status", () => {
    expect(errorBody("validation_failed", "bad", [{ path: "a", message: "b" }])).toEqual({
      error: { code: "validation_failed", message: "bad", details: [{ path: "a", message: "b" }] },
    });
    expect(errorCodes).toMatchObject({
      bad_request: 400,
      unauthorized: 401,
      forbidden: 403,
      not_found: 404,
      conversation_closed: 409,
      conflict: 409,
      payload_too_large: 413,
      unsupported_media_type: 415,
      validation_failed: 422,
      rate_limited: 429,
    });
  });

  it("details name each unknown field at its own path", () => {
    const result = CreateConversationBody.safeParse({ a: 1, contact: { b: 2 } });
    expect(result.success).toBe(false);
    if (!result.success)
      expect(
        zodDetails(result.error.issues)
          .map((d) => d.path)
          .sort(),
      ).toEqual(["a", "contact.b"]);
  });
});
