import { batch, computed, effect, signal } from "@preact/signals";
import type { Session, SessionOptions } from "./types.ts";
import { defaultStorage, siteStorage } from "./storage.ts";
import { toJson } from "./json.ts";
import { createSender, Outbox, unsentState } from "./outbox.ts";
import { createConnection } from "./connection.ts";
import { createSync } from "./sync.ts";
import { createTyping } from "./typing.ts";
import { createPageReporter } from "./page.ts";
import { UploadError, uploadFile } from "./upload.ts";

export type { Session, SessionOptions, ViewMessage, VisitorUser, ConnectionState } from "./types.ts";

/**
 * The widget's realtime session (see types.ts for the contract with the UI and
 * docs/protocol.md for the protocol): one socket per tab (connection.ts); every send goes
 * through the stored outbox, flushed in order by one tab at a time (outbox.ts); every
 * (re)connect resyncs by seq (sync.ts); typing both ways (typing.ts). This file composes them.
 */
export function createSession(opts: SessionOptions): Session {
  const store = siteStorage(opts.storage ?? defaultStorage(), opts.siteKey);
  const outbox = new Outbox(store);
  const unsent = unsentState(outbox);
  const link = createConnection(opts, store, {
    onWelcome: (w, previous) => sync.welcomed(w, previous),
    afterWelcome() {
      sync.caughtUp();
      void sender.flush();
      page.report();
    },
    onOffline: () => typing.show(null),
  });
  const typing = createTyping(link, () => sync.conversationId.value);
  const sync = createSync(link, store, typing, unsent);
  const sender = createSender(link, sync, outbox, unsent, opts.siteKey);
  const page = createPageReporter(link);

  /** Conversations whose rating the visitor skipped (the latest few). */
  const skipped = signal(store.readJson<string[]>("skipped", []));
  const rated = computed(() => sync.rated.value || skipped.value.includes(sync.conversationId.value ?? ""));
  const skip = (ids: string[]) => store.set("skipped", toJson((skipped.value = ids.slice(-20))));
  // Solved or closed again after it reopened, seen live: a new survey, even if the last one was skipped.
  let lastStatus = sync.conversationStatus.peek();
  const unwatch = effect(() => {
    const status = sync.conversationStatus.value;
    const id = sync.conversationId.peek();
    const resolved = status === "solved" || status === "closed";
    if (resolved && (lastStatus === "open" || lastStatus === "waiting") && id && skipped.peek().includes(id))
      skip(skipped.peek().filter((x) => x !== id));
    lastStatus = status;
  });

  /** Forgets this visitor here: its token, conversation, outbox and what the panel shows. */
  function forget(): void {
    store.clear();
    sync.forget();
    batch(() => {
      sync.follow(null);
      unsent.pending.value = [];
      unsent.handedOver.value = [];
      unsent.failed.value = [];
      unsent.throttled.value = false;
      skipped.value = [];
    });
  }

  // Erased by the site (the relay disconnects it next): start again as a new visitor, nothing of the old one kept.
  link.on("erased", () => {
    link.close();
    forget();
    link.connect();
  });

  const onStorage = (e: StorageEvent) => {
    if (e.key === store.keys.outbox) sender.refresh();
    if (e.key === store.keys.conversation && e.newValue && e.newValue !== sync.conversationId.value) {
      sync.follow(e.newValue);
      void sync.resync();
    }
  };
  if (typeof window !== "undefined") window.addEventListener("storage", onStorage);

  return {
    connection: link.state,
    site: link.site,
    conversationId: sync.conversationId,
    conversationStatus: sync.conversationStatus,
    messages: sync.messages,
    agentTyping: typing.agentTyping,
    unread: sync.unread,
    throttled: unsent.throttled,
    connect: link.connect,
    startNew() {
      if (sync.conversationStatus.value === "closed") sync.follow(null);
    },
    send: sender.send,
    async upload(file: File) {
      const token = store.get("visitor");
      if (!token) throw new UploadError("");
      sender.send(await uploadFile(opts.baseUrl, opts.siteKey, token, file));
    },
    setTyping: typing.set,
    markAllRead: sync.markAllRead,
    rated,
    rate(score, comment) {
      const conversationId = sync.conversationId.value;
      if (!conversationId || !link.online()) return;
      void link
        .call("rate", { conversationId, score, ...(comment ? { comment } : {}) })
        .then((ack) => ack.ok && sync.applyState(ack.conversation))
        .catch(() => {});
    },
    async transcript(email) {
      const conversationId = sync.conversationId.value;
      if (!conversationId || !link.online()) return { error: "offline" };
      try {
        const ack = await link.call("transcript", { conversationId, ...(email ? { email } : {}) });
        return ack.ok ? { to: ack.to } : { error: ack.error.code };
      } catch {
        return { error: "offline" };
      }
    },
    skipRating() {
      const id = sync.conversationId.value;
      if (id) skip([...skipped.value, id]);
    },
    identify(next) {
      const user = (link.user = { ...link.user, ...next });
      if (!link.online()) return; // the next handshake carries it
      void link
        .call("identify", user)
        .then((ack) => {
          if (!ack.ok || !ack.visitorToken) return;
          // Signed in as another user: a fresh visitor, nothing of the previous one.
          store.set("visitor", ack.visitorToken);
          sync.follow(null);
        })
        .catch(() => {});
    },
    shutdown() {
      typing.stop();
      page.stop();
      unwatch();
      link.close();
      link.user = undefined;
      forget();
      if (typeof window !== "undefined") window.removeEventListener("storage", onStorage);
      batch(() => {
        link.site.value = null;
        link.state.value = "idle";
      });
    },
    onMessage: sync.onMessage,
  };
}
