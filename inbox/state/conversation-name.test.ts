import { describe, expect, it } from "vitest";
import { conversationName } from "./inbox.ts";

describe("conversationName", () => {
  it("names a conversation by its contact's name, else email, phone or topic", () => {
    const contact = { id: "ct_aaaa", name: "Ada", email: "ada@example.com", phone: null, externalId: null };
    expect(conversationName({ id: "conv_x", topic: null, contact })).toBe("Ada");
    expect(conversationName({ id: "conv_x", topic: null, contact: { ...contact, name: null } })).toBe(
      "ada@example.com",
    );
    expect(conversationName({ id: "conv_x", topic: "Billing", contact: null })).toBe("Billing");
  });

  it("tells two anonymous visitors apart by a short tag of their contact id", () => {
    const anon = (id: string) => ({
      id: "conv_same",
      topic: null,
      contact: { id, name: null, email: null, phone: null, externalId: null },
    });
    const a = conversationName(anon("ct_Zq81-kd9"));
    const b = conversationName(anon("ct_Zq81-x7p2"));
    expect(a).toBe("Visitor #1KD9");
    expect(b).toBe("Visitor #X7P2");
    expect(a).not.toBe(b);
    expect(conversationName({ id: "conv_9Zt4Lx", topic: null, contact: null })).toBe("Visitor #T4LX");
  });
});
