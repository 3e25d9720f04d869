import { signal } from "@preact/signals";

const ENABLED_KEY = "parley.inbox.notifications";
const ASKED_KEY = "parley.inbox.notifications.asked";

export interface Alert {
  title: string;
  body: string;
  conversationId: string;
}

/**
 * Desktop notifications and a short sound for what happens while the inbox tab is hidden.
 * Permission is asked once (on the agent's first interaction, as browsers require); the agent
 * can switch both off, and the choice is remembered.
 */
export function createNotifier(storage: Storage = localStorage, open: (conversationId: string) => void = () => {}) {
  const enabled = signal(storage.getItem(ENABLED_KEY) !== "off");
  let audio: AudioContext | null = null;

  function setEnabled(on: boolean): void {
    enabled.value = on;
    storage.setItem(ENABLED_KEY, on ? "on" : "off");
    if (on) void askPermission(true);
  }

  async function askPermission(force = false): Promise<void> {
    if (typeof Notification === "undefined" || Notification.permission !== "default") return;
    if (!force && storage.getItem(ASKED_KEY)) return;
    storage.setItem(ASKED_KEY, "1");
    try {
      await Notification.requestPermission();
    } catch {
      // Some browsers refuse outside a user gesture; the switch asks again.
    }
  }

  function beep(): void {
    try {
      audio ??= new AudioContext();
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = "sine";
      osc.frequency.value = 880;
      gain.gain.setValueAtTime(0.0001, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.2, audio.currentTime + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, audio.currentTime + 0.35);
      osc.connect(gain).connect(audio.destination);
      osc.start();
      osc.stop(audio.currentTime + 0.4);
    } catch {
      // No audio available: the notification is enough.
    }
  }

  /** Tells the agent, when the tab is hidden and alerts are on. Answers whether it did. */
  function alert(a: Alert): boolean {
    if (!enabled.value || document.visibilityState !== "hidden") return false;
    beep();
    if (typeof Notification !== "undefined" && Notification.permission === "granted") {
      const n = new Notification(a.title, { body: a.body, tag: a.conversationId });
      n.onclick = () => {
        window.focus();
        open(a.conversationId);
        n.close();
      };
    }
    return true;
  }

  return { enabled, setEnabled, askPermission, alert };
}

export type Notifier = ReturnType<typeof createNotifier>;
