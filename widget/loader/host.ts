/**
 * The <parley-widget> element: an open shadow root with constructable stylesheets, kept on
 * document.body through client-side navigation. A MutationObserver (never polling) watches the
 * <html> children (a framework swapping <body>, as Turbo does) and the body's children (a page
 * clearing its body), and puts the same element — state, open conversation and all — back once.
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

  const attach = () => {
    if (document.body && el.parentNode !== document.body) document.body.append(el);
    if (document.body) observer.observe(document.body, { childList: true });
  };
  const observer = new MutationObserver(attach);
  observer.observe(document.documentElement, { childList: true });
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
