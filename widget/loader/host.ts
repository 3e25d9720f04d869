/**
 * The <parley-widget> element: an open shadow root with constructable stylesheets, a child of
 * <html> after <body>. Not inside <body>: a `transform` (or filter, contain…) on the body would
 * make the body, not the viewport, what `position: fixed` means, and a framework swapping or
 * clearing <body> (as Turbo does) leaves the element alone. A MutationObserver (never polling)
 * on the <html> children puts the same element — state, open conversation and all — back if a
 * page removes it.
 */
export interface Host {
  /** <parley-widget>; its open shadow root is `el.shadowRoot`. */
  el: HTMLElement;
  /** The themed root inside the shadow tree: launcher and panel live here. */
  root: HTMLDivElement;
}

export function createHost(css: string): Host {
  const el = document.createElement("parley-widget");
  const shadow = el.attachShadow({ mode: "open" });
  const root = document.createElement("div");
  root.className = "w";
  shadow.append(root);

  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  shadow.adoptedStyleSheets = [sheet];

  const html = document.documentElement;
  const attach = () => {
    if (el.parentNode !== html) html.append(el);
  };
  new MutationObserver(attach).observe(html, { childList: true });
  attach();
  return { el, root };
}
