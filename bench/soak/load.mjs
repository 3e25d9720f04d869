// The soak's steady mixed load, in its own process so that it never shares an event loop with the
// relay it measures. Plain JavaScript: run by node directly.
// Usage: node bench/soak/load.mjs '<json options>'; prints one JSON line per minute on stdout,
// stops on "stop" on stdin (or after `minutes`).
//
// Every second, on average: `visitors / 10` visitor sends (each after a typing event, awaiting the
// durable acknowledgement), `replies` agent replies over REST, and one visitor disconnecting and
// reconnecting (its token kept, then a resync from the last seq it holds, as the widget does).
import { io } from "socket.io-client";
import { performance } from "node:perf_hooks";
import crypto from "node:crypto";

const opts = JSON.parse(process.argv[2]);
const { url, siteKey, token, visitors: count, replies, minutes } = opts;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pick = (list) => list[Math.floor(Math.random() * list.length)];

/** This minute's figures; reset each minute. */
let minute = fresh();
function fresh() {
  return { sends: [], replies: [], errors: 0, why: {}, reconnects: 0, received: 0 };
}

/** Counts an error of this minute under what failed and why ("send: operation has timed out"). */
function failed(what, err) {
  minute.errors++;
  const key = `${what}: ${err?.message ?? err}`.slice(0, 80);
  minute.why[key] = (minute.why[key] ?? 0) + 1;
}

const ack = (socket, event, payload) =>
  new Promise((resolve, reject) => {
    socket.timeout(30_000).emit(event, payload, (err, res) => {
      if (err) return reject(err);
      if (res && res.ok === false) return reject(new Error(res.error?.code ?? "refused"));
      resolve(res);
    });
  });

/** A visitor speaking the widget protocol: token kept across reconnects, resync by seq, client ids. */
class Visitor {
  token = undefined;
  conversationId = null;
  lastSeq = 0;
  socket = null;
  /** Sends awaiting their acknowledgement: a reconnect lets them finish first. */
  sending = new Set();

  connect() {
    return new Promise((resolve, reject) => {
      const socket = io(`${url}/visitor`, {
        transports: ["websocket"],
        forceNew: true,
        reconnection: false,
        auth: { siteKey, visitorToken: this.token },
      });
      socket.on("message", (e) => {
        minute.received++;
        if (e.message.conversationId === this.conversationId) this.lastSeq = Math.max(this.lastSeq, e.message.seq);
      });
      socket.once("welcome", async (w) => {
        this.token = w.visitorToken;
        this.conversationId ??= w.conversationId;
        this.socket = socket;
        if (this.conversationId) {
          const page = await ack(socket, "resync", {
            conversationId: this.conversationId,
            afterSeq: this.lastSeq,
          }).catch(() => null);
          for (const m of page?.messages ?? []) this.lastSeq = Math.max(this.lastSeq, m.seq);
        }
        resolve();
      });
      socket.once("connect_error", reject);
    });
  }

  send() {
    if (!this.socket?.connected) return;
    const sent = this.sendNow().finally(() => this.sending.delete(sent));
    this.sending.add(sent);
    return sent;
  }

  async sendNow() {
    const started = performance.now();
    try {
      if (this.conversationId) await ack(this.socket, "typing", { conversationId: this.conversationId, typing: true });
      const res = await ack(this.socket, "send", {
        clientId: crypto.randomBytes(9).toString("base64url"),
        ...(this.conversationId ? { conversationId: this.conversationId } : {}),
        message: { type: "text", content: { text: `soak ${Date.now()}` } },
      });
      this.conversationId = res.conversation.id;
      this.lastSeq = Math.max(this.lastSeq, res.message.seq);
      minute.sends.push(performance.now() - started);
    } catch (err) {
      failed("send", err);
    }
  }

  async reconnect() {
    // Cutting a send in flight would count as an error of the relay's (its acknowledgement lost).
    await Promise.all(this.sending);
    this.socket?.disconnect();
    this.socket = null;
    await this.connect().catch((err) => failed("reconnect", err));
    minute.reconnects++;
  }
}

async function reply(conversationId) {
  const started = performance.now();
  try {
    const res = await fetch(`${url}/v1/conversations/${conversationId}/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ text: `reply ${Date.now()}`, uniqueId: crypto.randomUUID() }),
    });
    await res.arrayBuffer();
    if (res.status !== 201) throw new Error(String(res.status));
    minute.replies.push(performance.now() - started);
  } catch (err) {
    failed("reply", err);
  }
}

const p99 = (list) => {
  const s = [...list].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(0.99 * s.length))] : null;
};

const crowd = Array.from({ length: count }, () => new Visitor());
for (let i = 0; i < crowd.length; i += 100) await Promise.all(crowd.slice(i, i + 100).map((v) => v.connect()));
await Promise.all(crowd.map((v) => v.send()));

let stopped = false;
process.stdin.on("data", (d) => String(d).includes("stop") && (stopped = true));
const ends = Date.now() + minutes * 60_000;
const running = () => !stopped && Date.now() < ends;

/** Runs `fn` about `perSecond` times a second, without waiting for one to finish before the next. */
async function steady(perSecond, fn) {
  while (running()) {
    void fn();
    await sleep((1000 / perSecond) * (0.5 + Math.random()));
  }
}

const reporter = (async () => {
  let n = 0;
  for (let next = Date.now() + 60_000; running(); next += 60_000) {
    while (running() && Date.now() < next) await sleep(Math.min(1000, next - Date.now()));
    if (!running() && Date.now() < next) break;
    const m = minute;
    minute = fresh();
    const line = {
      minute: ++n,
      sends: m.sends.length,
      sendP99: p99(m.sends),
      replies: m.replies.length,
      replyP99: p99(m.replies),
      received: m.received,
      reconnects: m.reconnects,
      errors: m.errors,
      why: m.why,
    };
    process.stdout.write(JSON.stringify(line) + "\n");
  }
})();

await Promise.all([
  steady(count / 10, () => pick(crowd).send()),
  steady(replies, () => {
    const v = pick(crowd.filter((x) => x.conversationId));
    return v ? reply(v.conversationId) : undefined;
  }),
  steady(1, () => pick(crowd).reconnect()),
  reporter,
]);
for (const v of crowd) v.socket?.disconnect();
process.exit(0);
