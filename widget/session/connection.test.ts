import { describe, expect, it } from "vitest";
import { relayEndpoint } from "./connection.ts";

describe("the relay endpoint", () => {
  it("is the visitor namespace at the relay's origin, with socket.io under its path prefix", () => {
    expect(relayEndpoint("https://chat.example.com")).toEqual({
      url: "https://chat.example.com/visitor",
      path: "/socket.io",
    });
    expect(relayEndpoint("https://example.com/chat")).toEqual({
      url: "https://example.com/visitor",
      path: "/chat/socket.io",
    });
    expect(relayEndpoint("http://localhost:3000/support/relay/")).toEqual({
      url: "http://localhost:3000/visitor",
      path: "/support/relay/socket.io",
    });
  });
});
