import { format, type LauncherStrings } from "../i18n/launcher.ts";

const SVG = (cls: string, path: string) =>
  `<svg class="${cls}" viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="${path}"/></svg>`;
const ICONS =
  SVG(
    "i-chat",
    "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z",
  ) + SVG("i-x", "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z");

export interface LauncherView {
  label?: string;
  hidden?: boolean;
  open: boolean;
  unread: number;
  strings: LauncherStrings;
}

/** The launcher button, plain DOM: widget.js paints it before any framework loads. */
export function createLauncher(
  onClick: () => void,
  onEscape: () => void,
  onIntent: () => void,
): { el: HTMLButtonElement; paint(view: LauncherView): void } {
  const el = document.createElement("button");
  el.type = "button";
  el.className = "launcher";
  el.setAttribute("part", "launcher");
  el.innerHTML = `${ICONS}<span class="label" hidden></span><span class="badge" aria-hidden="true" hidden></span>`;
  const label = el.querySelector<HTMLElement>(".label")!;
  const badge = el.querySelector<HTMLElement>(".badge")!;
  el.addEventListener("click", onClick);
  el.addEventListener("keydown", (e) => {
    if (e.key === "Escape") onEscape();
  });
  el.addEventListener("pointerenter", onIntent, { once: true });
  el.addEventListener("focus", onIntent, { once: true });
  return {
    el,
    paint(view) {
      const name = view.label || view.strings.openChat;
      el.setAttribute(
        "aria-label",
        view.unread > 0 ? `${name}, ${format(view.strings.unread, { n: view.unread })}` : name,
      );
      el.setAttribute("aria-expanded", String(view.open));
      el.hidden = !!view.hidden;
      label.textContent = view.label ?? "";
      label.hidden = !view.label;
      badge.textContent = view.unread > 99 ? "99+" : String(view.unread);
      badge.hidden = view.unread === 0 || view.open;
    },
  };
}
