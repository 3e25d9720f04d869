// @vitest-environment jsdom
import { afterEach, describe, expect, it } from "vitest";
import { createNotifier } from "./notifier.ts";

function setVisibility(state: "visible" | "hidden") {
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
}

afterEach(() => {
  setVisibility("visible");
  localStorage.clear();
});

describe("notifier", () => {
  const alert = { title: "New conversation", body: "Ann", conversationId: "conv_1" };

  it("alerts only while the tab is hidden", () => {
    const n = createNotifier(localStorage);
    setVisibility("visible");
    expect(n.alert(alert)).toBe(false);
    setVisibility("hidden");
    expect(n.alert(alert)).toBe(true);
  });

  it("stays quiet once switched off, and remembers the choice", () => {
    setVisibility("hidden");
    createNotifier(localStorage).setEnabled(false);
    const again = createNotifier(localStorage);
    expect(again.enabled.value).toBe(false);
    expect(again.alert(alert)).toBe(false);
  });
});
