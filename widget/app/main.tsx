/**
 * The app chunk: imported by the boot chunk (widget/boot.ts) when the visitor opens the chat or
 * already has a conversation. It creates the realtime session and renders the panel into the
 * launcher's shadow root; the boot chunk keeps the launcher, the page API and the settings.
 */
import { render } from "preact";
import { effect, signal } from "@preact/signals";
import { createSession } from "../session/index.ts";
import type { MountApp } from "./host-api.ts";
import { Panel } from "./panel.tsx";
import { panelCss } from "./styles.ts";
import { messageCss } from "./messages/styles.ts";
import { chime } from "./sound.ts";
import { panelTokensCss } from "../theme/base-css.ts";

let styles: CSSStyleSheet | undefined;

export const mount: MountApp = (ctx) => {
  styles ??= sheet(panelTokensCss + messageCss + panelCss);
  if (!ctx.shadow.adoptedStyleSheets.includes(styles))
    ctx.shadow.adoptedStyleSheets = [...ctx.shadow.adoptedStyleSheets, styles];
  const settings = signal(ctx.settings());
  const open = signal(ctx.isOpen());
  const visible = signal(document.visibilityState === "visible");
  const onVisibility = () => (visible.value = document.visibilityState === "visible");
  document.addEventListener("visibilitychange", onVisibility);

  const session = createSession({ baseUrl: ctx.baseUrl, siteKey: ctx.siteKey, user: settings.value.user });
  session.connect();

  const stops = [
    effect(() => ctx.setUnread(session.unread.value)),
    effect(() => {
      if (!session.conversationId.value) return;
      try {
        localStorage.setItem(ctx.markerKey, "1");
      } catch {
        // storage blocked: the app then loads on open only
      }
    }),
    // What is on screen in a visible, open panel counts as seen.
    effect(() => {
      const shown = session.messages.value.length;
      if (open.value && visible.value && shown) session.markAllRead();
    }),
    session.onMessage((message) => {
      ctx.emit("message", message);
      if (settings.peek().sound !== false && (!open.peek() || !visible.peek())) chime();
    }),
  ];

  const container = document.createElement("div");
  ctx.root.append(container);
  render(<Panel session={session} settings={settings} open={open} onClose={ctx.requestClose} />, container);

  return {
    update: () => (settings.value = ctx.settings()),
    setOpen: (next) => (open.value = next),
    identify: (user) => session.identify(user),
    shutdown() {
      for (const stop of stops) stop();
      document.removeEventListener("visibilitychange", onVisibility);
      session.shutdown();
      render(null, container);
      container.remove();
    },
  };
};

function sheet(css: string): CSSStyleSheet {
  const s = new CSSStyleSheet();
  s.replaceSync(css);
  return s;
}
