/**
 * The <parley-widget> element: an open shadow root with constructable stylesheets, a child of
 * <html> after <body>. Not inside <body>: a `transform` (or filter, contain…) on the body would
 * make the body, not the viewport, what `position: fixed` means, and a framework swapping or
 * clearing <body> (as Turbo does) leaves the element alone. A MutationObserver (never polling)
 * on the <html> children puts the same element — state, open conversation and all — back if a
 * page removes it.
 */
export interface Host {
  el: HTMLElement;
  shadow: ShadowRoot;
  /** The themed root inside the shadow tree: launcher and panel live here. */
  root: HTMLDivElement;
  adopt(css: string): void;
  remove(): void;
}

export function createHost(css: string): Host {
  const el = document.createElement("parley-widget");
  const shadow = el.attachShadow({ mode: "open" });
  const root = document.createElement("div");
  root.className = "w";
  shadow.append(root);

  const adopt = (text: string) => {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(text);
    shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, sheet];
  };
  adopt(css);

  const html = document.documentElement;
  const attach = () => {
    if (el.parentNode !== html) html.append(el);
  };
  const observer = new MutationObserver(attach);
  observer.observe(html, { childList: true });
  attach();

  return {
    el,
    shadow,
    root,
    adopt,
    remove() {
      observer.disconnect();
      el.remove();
    },
  };
}
