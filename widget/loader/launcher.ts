import type { LauncherStrings } from "../i18n/launcher.ts";

const NS = "http://www.w3.org/2000/svg";
/** A speech bubble while closed, a cross while open. */
const CHAT =
  "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z";
const CLOSE = "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z";

function span(cls: string): HTMLSpanElement {
  const el = document.createElement("span");
  el.className = cls;
  return el;
}

export interface LauncherView {
  label?: string;
  hidden?: boolean;
  open: boolean;
  unread: number;
  strings: LauncherStrings;
}

/**
 * The launcher button, plain DOM (its icon built node by node, no markup string: nothing for
 * Trusted Types to refuse): widget.js paints it before any other script loads.
 */
export function createLauncher(
  onClick: () => void,
  onEscape: () => void,
): { el: HTMLButtonElement; paint(view: LauncherView): void } {
  // Not in a form (a shadow tree's button has none): no type="button" needed.
  const el = document.createElement("button");
  el.className = "launcher";
  el.setAttribute("part", "launcher");
  const svg = document.createElementNS(NS, "svg");
  const path = document.createElementNS(NS, "path");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.append(path);
  const label = span("label");
  // A button's content is presentational: its aria-label alone names it (count included).
  const badge = span("badge");
  el.append(svg, label, badge);
  el.addEventListener("click", onClick);
  el.addEventListener("keydown", (e) => {
    if (e.key === "Escape") onEscape();
  });
  return {
    el,
    paint({ label: text, hidden, open, unread, strings }) {
      const name = text || strings.openChat;
      el.setAttribute("aria-label", unread ? `${name}, ${strings.unread.replace("{n}", String(unread))}` : name);
      el.setAttribute("aria-expanded", String(open));
      el.hidden = !!hidden;
      path.setAttribute("d", open ? CLOSE : CHAT);
      label.textContent = text ?? "";
      label.hidden = !text || open;
      badge.textContent = unread > 99 ? "99+" : String(unread);
      badge.hidden = !unread || open;
    },
  };
}
