import type { VisitorUser } from "../session/types.ts";
import type { WidgetSettings } from "../loader/settings.ts";

/** What the boot chunk (widget/boot.ts) hands the app chunk when it loads it. */
export interface AppContext {
  baseUrl: string;
  siteKey: string;
  /** The themed root inside the shadow tree; the panel is rendered into a child of it. */
  root: HTMLElement;
  shadow: ShadowRoot;
  /** Effective settings now (site < page < live updates). */
  settings(): WidgetSettings;
  isOpen(): boolean;
  /** The panel asks to close (Escape, its close button); focus returns to the launcher. */
  requestClose(): void;
  setUnread(count: number): void;
  /** Forwards to the page's Parley("on", name) handlers. */
  emit(name: "message", payload: unknown): void;
  /** localStorage key whose presence means "this visitor has a conversation": load the app at boot. */
  markerKey: string;
}

/** What the app chunk gives back. */
export interface AppHandle {
  /** Settings changed (Parley("update"), site config arrived). */
  update(): void;
  setOpen(open: boolean): void;
  identify(user: VisitorUser): void;
  /** Disconnect, forget this visitor, unmount. */
  shutdown(): void;
}

export type MountApp = (ctx: AppContext) => AppHandle;
