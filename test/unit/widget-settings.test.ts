import { describe, expect, it } from "vitest";
import { effectiveSettings, mergeSettings } from "../../widget/loader/settings.ts";
import { baseUrlOf } from "../../widget/loader/script.ts";
import { cssLength, launcherVars, panelVars } from "../../widget/theme/vars.ts";
import { format, launcherStrings } from "../../widget/i18n/launcher.ts";
import { isRtl, loadStrings, uiStrings } from "../../widget/i18n/index.ts";

describe("widget settings", () => {
  it("layers site < page < live, merging nested objects one level deep", () => {
    const site = { greeting: "Site greeting", theme: { primaryColor: "#111111", position: "left" as const } };
    const page = { title: "Page", theme: { primaryColor: "#222222" }, strings: { send: "Go" } };
    const live = { theme: { colorScheme: "dark" as const }, strings: { message: "Msg" }, title: undefined };
    expect(effectiveSettings([site, page, live])).toEqual({
      greeting: "Site greeting",
      title: "Page",
      theme: { primaryColor: "#222222", position: "left", colorScheme: "dark" },
      strings: { send: "Go", message: "Msg" },
    });
  });

  it("ignores junk and prototype keys", () => {
    expect(mergeSettings({ title: "A" }, "nope")).toEqual({ title: "A" });
    const merged = mergeSettings({}, JSON.parse('{"__proto__": {"polluted": true}, "title": "B"}'));
    expect(merged).toEqual({ title: "B" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("derives the relay's base URL from the script's src, path prefix included", () => {
    expect(baseUrlOf("https://example.com/chat/widget.js?v=2")).toBe("https://example.com/chat");
    expect(baseUrlOf("https://chat.example.com/widget.js")).toBe("https://chat.example.com");
    expect(baseUrlOf("http://127.0.0.1:3000/widget.js#x")).toBe("http://127.0.0.1:3000");
  });
});

describe("theme tokens", () => {
  it("turns a theme into custom properties, with readable text on the primary colour", () => {
    const theme = {
      primaryColor: "#facc15",
      radius: 8,
      offsetX: "2rem",
      offsetY: 30,
      zIndex: 10,
      fontFamily: "Georgia, serif",
      background: "#000000",
    };
    expect({ ...launcherVars(theme), ...panelVars(theme) }).toEqual({
      "--_primary": "#facc15",
      "--_on": "#000000",
      "--_radius": "8px",
      "--_ox": "2rem",
      "--_oy": "30px",
      "--_z": "10",
      "--_font": "Georgia, serif",
      "--_bg": "#000000",
      "--_fg": "#ffffff",
    });
    expect(launcherVars({ primaryColor: "#facc15", textColor: "#123456" })["--_on"]).toBe("#123456");
  });

  it("drops values that are not what they claim to be", () => {
    const theme = {
      primaryColor: "red; background: url(x)",
      fontFamily: "x; } .a { color: red",
      radius: "calc(1px)",
      zIndex: 1.5,
      background: "#fff; color: red",
      offsetX: "1e3px",
    };
    expect({ ...launcherVars(theme), ...panelVars(theme) }).toEqual({
      "--_primary": "#4f46e5",
      "--_on": "#ffffff",
      "--_font": null,
      "--_ox": null,
      "--_oy": null,
      "--_z": null,
      "--_bg": null,
      "--_fg": null,
      "--_radius": null,
    });
    expect(cssLength("-10px")).toBe("-10px");
    expect(cssLength("10 px")).toBeNull();
  });

  it("lets the page's own --parley-primary decide the text colour on it", () => {
    expect(launcherVars({ primaryColor: "#000000" }, "#ffffff")["--_on"]).toBe("#000000");
    expect(launcherVars({ primaryColor: "#000000" }, " #ffffff")["--_primary"]).toBe("#ffffff");
    expect(launcherVars({ primaryColor: "#000000" }, "")["--_primary"]).toBe("#000000");
  });
});

describe("strings", () => {
  it("English by default, Swedish by locale (loaded on first use), overrides win", async () => {
    expect(uiStrings("sv").send).toBe("Send"); // asking starts the load; English meanwhile
    await loadStrings("sv");
    expect(launcherStrings(undefined).openChat).toBe("Open chat");
    expect(launcherStrings("sv-SE").openChat).toBe("Öppna chatten");
    expect(launcherStrings("xx", { openChat: "Talk to us" }).openChat).toBe("Talk to us");
    expect(uiStrings("sv").send).toBe("Skicka");
    expect(uiStrings("sv", { send: "Iväg", bogus: 1 }).send).toBe("Iväg");
    expect(format("{n} unread", { n: 3 })).toBe("3 unread");
  });

  it("Swedish translates every English key", async () => {
    await loadStrings("sv");
    const en = uiStrings("en");
    const sv = uiStrings("sv");
    const same = new Set(["agent", "bot"]); // the same words in Swedish
    for (const key of Object.keys(en) as (keyof typeof en)[])
      if (en[key] && !same.has(key)) expect(sv[key], key).not.toBe(en[key]);
  });

  it("Arabic translates every English key and is written right to left", async () => {
    await loadStrings("ar-EG");
    const en = uiStrings("en");
    const ar = uiStrings("ar-EG");
    for (const key of Object.keys(en) as (keyof typeof en)[]) if (en[key]) expect(ar[key], key).not.toBe(en[key]);
    expect(launcherStrings("ar").openChat).toBe("افتح المحادثة");
    expect([isRtl("ar-EG"), isRtl("he"), isRtl("fa"), isRtl("en"), isRtl("sv"), isRtl(undefined)]).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
