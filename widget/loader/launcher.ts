import { format, type LauncherStrings } from "../i18n/launcher.ts";

const NS = "http://www.w3.org/2000/svg";

/** An icon built node by node (no markup string: nothing for Trusted Types to refuse). */
function icon(cls: string, d: string): SVGSVGElement {
  const svg = document.createElementNS(NS, "svg");
  const path = document.createElementNS(NS, "path");
  path.setAttribute("d", d);
  svg.setAttribute("class", cls);
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.append(path);
  return svg;
}

function span(cls: string): HTMLSpanElement {
  const el = document.createElement("span");
  el.className = cls;
  el.hidden = true;
  return el;
}

export interface LauncherView {
  label?: string;
  hidden?: boolean;
  open: boolean;
  unread: number;
  strings: LauncherStrings;
}

/** The launcher button, plain DOM: the boot chunk paints it before any framework loads. */
export function createLauncher(
  onClick: () => void,
  onEscape: () => void,
  onIntent: () => void,
): { el: HTMLButtonElement; paint(view: LauncherView): void } {
  const el = document.createElement("button");
  el.type = "button";
  el.className = "launcher";
  el.setAttribute("part", "launcher");
  const label = span("label");
  const badge = span("badge");
  badge.setAttribute("aria-hidden", "true");
  el.append(
    icon(
      "i-chat",
      "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z",
    ),
    icon("i-x", "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z"),
    label,
    badge,
  );
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
