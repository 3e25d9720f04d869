// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { installShortcuts, shortcuts, type ShortcutActions } from "./shortcuts.ts";

function actions(): ShortcutActions & Record<string, ReturnType<typeof vi.fn>> {
  return { next: vi.fn(), previous: vi.fn(), reply: vi.fn(), close: vi.fn(), assignToMe: vi.fn(), help: vi.fn() };
}

const press = (target: EventTarget, key: string, init: KeyboardEventInit = {}) =>
  target.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...init }));

let remove: (() => void) | undefined;
afterEach(() => {
  remove?.();
  document.body.innerHTML = "";
});

describe("keyboard shortcuts", () => {
  it("runs j, k, r, e, c, a and ? anywhere outside a field", () => {
    const a = actions();
    remove = installShortcuts(document, a);
    for (const key of ["j", "k", "r", "e", "c", "a", "?"]) press(document.body, key);
    expect(a.next).toHaveBeenCalledTimes(1);
    expect(a.previous).toHaveBeenCalledTimes(1);
    expect(a.reply).toHaveBeenCalledTimes(1);
    expect(a.close).toHaveBeenCalledTimes(2);
    expect(a.assignToMe).toHaveBeenCalledTimes(1);
    expect(a.help).toHaveBeenCalledTimes(1);
  });

  it("leaves keys typed into a field, or with a modifier, alone", () => {
    const a = actions();
    remove = installShortcuts(document, a);
    document.body.innerHTML = `<textarea></textarea><input><select></select>`;
    for (const el of document.body.children) press(el, "e");
    press(document.body, "j", { ctrlKey: true });
    press(document.body, "a", { metaKey: true });
    expect(a.close).not.toHaveBeenCalled();
    expect(a.next).not.toHaveBeenCalled();
    expect(a.assignToMe).not.toHaveBeenCalled();
  });

  it("lists every shortcut for the help dialog", () => {
    expect(shortcuts.flatMap((s) => s.keys).sort()).toEqual(["?", "a", "c", "e", "j", "k", "r"]);
  });
});
