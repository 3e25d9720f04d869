// The relay's load generator, in its own process so that it never shares an event loop (or a
// CPU's worth of JSON) with the server it measures. Plain JavaScript: run by node directly.
// Usage: node bench/relay/load.mjs '<json options>'; prints one JSON result on stdout.
//
// Scenarios (opts.scenario):
//   send   — `visitors` sockets each send `messages` messages back to back, awaiting each
//            acknowledgement (for Parley: stored and committed). Latency: send → ack.
//   inbox  — the same load, and one agent socket on /agent; latency: send → the agent's
//            `message.created` for that message (matched by the text's tag).
//   rest   — each visitor has a conversation; `messages` agent posts per visitor over REST
//            (concurrency = visitors); latency: POST → the visitor's socket gets the message.
//   Optional `agentUrl`: the node the agent side uses (its socket, its REST posts); default `url`
//   (bench:cluster puts visitors on one node and agents on another).
//   paced  — open loop: `rate` messages a second in all for `seconds`, spread over the visitors
//            (each has started its conversation first, untimed); latency: the moment a send was
//            due → its ack, so a relay that falls behind is charged for the wait it caused.
//   idle   — `visitors` sockets connect, wait for their welcome and stay idle; reports when all
//            are connected, then waits for "stop" on stdin.
import { io } from "socket.io-client";
import { performance } from "node:perf_hooks";

const opts = JSON.parse(process.argv[2]);
const { url, siteKey, visitors, messages, scenario, cookie, token, bare } = opts;
const agentUrl = opts.agentUrl ?? url;

function connectVisitor() {
  return new Promise((resolve, reject) => {
    const socket = io(`${url}/visitor`, {
      transports: ["websocket"],
      forceNew: true,
      reconnection: false,
      auth: bare ? {} : { siteKey },
    });
    const ready = bare ? "connect" : "welcome";
    socket.once(ready, () => resolve(socket));
    socket.once("connect_error", reject);
  });
}

/** Connects `n` visitors, a few hundred at a time (a burst of thousands would measure the accept queue). */
async function connectAll(n) {
  const sockets = [];
  for (let i = 0; i < n; i += 200) {
    const batch = await Promise.all(Array.from({ length: Math.min(200, n - i) }, connectVisitor));
    sockets.push(...batch);
  }
  return sockets;
}

const ack = (socket, event, payload) =>
  new Promise((resolve, reject) => {
    socket.timeout(60_000).emit(event, payload, (err, res) => {
      if (err) return reject(err);
      if (res && res.ok === false) return reject(new Error(res.error?.code ?? "refused"));
      resolve(res);
    });
  });

/**
 * An agent's POST, with a uniqueId so that it may be sent again: a keep-alive connection that the
 * server closed while this request was on its way (the next post of a caller can come more than
 * the server's keep-alive timeout after the last, under load) fails before an answer; the same
 * message again is stored once. Answers the response, or null after three failed tries.
 */
async function post(target, body) {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await fetch(target, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    } catch {
      // fetch failed: the connection closed under the request; try again on a new one.
    }
  }
  return null;
}

let seq = 0;
const tagOf = () => `t${process.pid}-${++seq}`;

async function sendLoad(sockets, onSent) {
  const latencies = [];
  // The first message of each visitor starts its conversation: kept apart as well.
  const starts = [];
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    sockets.map(async (socket) => {
      let conversationId = null;
      for (let m = 0; m < messages; m++) {
        const tag = tagOf();
        const t0 = performance.now();
        // Never waits forever: a delivery that does not come within 30 s counts as an error.
        const wait = onSent && Promise.race([onSent(tag, t0), new Promise((r) => setTimeout(() => r(NaN), 30_000))]);
        try {
          const res = await ack(socket, "send", {
            clientId: `c-${tag}`,
            conversationId,
            message: { type: "text", content: { text: `${tag} hello` } },
          });
          conversationId = res.conversation?.id ?? conversationId;
          const at = onSent ? await wait : performance.now();
          if (Number.isNaN(at)) errors++;
          else {
            latencies.push(at - t0);
            if (m === 0) starts.push(at - t0);
          }
        } catch (err) {
          if (errors++ < 3) console.error(`send refused: ${err instanceof Error ? err.message : err}`);
        }
      }
    }),
  );
  return { latencies, starts, errors, seconds: (performance.now() - started) / 1000 };
}

async function pacedLoad(sockets, rate, seconds) {
  const conversations = await Promise.all(
    sockets.map(async (socket) => {
      const res = await ack(socket, "send", {
        clientId: `c-${tagOf()}`,
        conversationId: null,
        message: { type: "text", content: { text: "hello" } },
      });
      return res?.conversation?.id ?? null;
    }),
  );
  const latencies = [];
  let errors = 0;
  const total = Math.round(rate * seconds);
  const pending = [];
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait >= 1) await new Promise((resolve) => setTimeout(resolve, wait));
    const v = i % sockets.length;
    const tag = tagOf();
    // From when it was due (a relay that fell behind is charged for the wait), or sent if earlier.
    const t0 = Math.min(due, performance.now());
    pending.push(
      ack(sockets[v], "send", {
        clientId: `c-${tag}`,
        conversationId: conversations[v],
        message: { type: "text", content: { text: `${tag} hello` } },
      }).then(
        () => latencies.push(performance.now() - t0),
        () => errors++,
      ),
    );
  }
  await Promise.all(pending);
  return { latencies, errors, seconds: (performance.now() - started) / 1000 };
}

async function main() {
  if (scenario === "idle") {
    const sockets = await connectAll(visitors);
    process.stdout.write(JSON.stringify({ connected: sockets.length }) + "\n");
    process.stdin.once("data", () => {
      for (const s of sockets) s.close();
      process.exit(0);
    });
    return;
  }
  const sockets = await connectAll(visitors);
  let result;
  if (scenario === "send") result = await sendLoad(sockets);
  else if (scenario === "paced") result = await pacedLoad(sockets, opts.rate, opts.seconds);
  else if (scenario === "inbox") {
    const agent = io(`${agentUrl}/agent`, { transports: ["websocket"], forceNew: true, extraHeaders: { cookie } });
    await new Promise((resolve, reject) => {
      agent.once("connect", resolve);
      agent.once("connect_error", reject);
    });
    const waiting = new Map();
    agent.on("message.created", ({ message }) => {
      const tag = message?.content?.text?.split(" ")[0];
      waiting.get(tag)?.(performance.now());
      waiting.delete(tag);
    });
    result = await sendLoad(sockets, (tag) => new Promise((resolve) => waiting.set(tag, resolve)));
    agent.close();
  } else if (scenario === "rest") {
    // One conversation per visitor, started by the visitor; then the agent side posts over REST.
    const conversations = await Promise.all(
      sockets.map(async (socket) => {
        const res = await ack(socket, "send", {
          clientId: `c-${tagOf()}`,
          message: { type: "text", content: { text: "hello" } },
        });
        return { socket, id: res.conversation.id };
      }),
    );
    const waiting = new Map();
    for (const { socket } of conversations)
      socket.on("message", ({ message }) => {
        const tag = message?.content?.text?.split(" ")[0];
        waiting.get(tag)?.(performance.now());
        waiting.delete(tag);
      });
    const latencies = [];
    let errors = 0;
    const started = performance.now();
    await Promise.all(
      conversations.map(async ({ id }) => {
        for (let m = 0; m < messages; m++) {
          const tag = tagOf();
          const got = new Promise((resolve) => waiting.set(tag, resolve));
          const t0 = performance.now();
          const res = await post(`${agentUrl}/v1/conversations/${id}/messages`, {
            text: `${tag} from the agent`,
            uniqueId: tag,
          });
          if (res?.status !== 201 && res?.status !== 200) {
            errors++;
            waiting.delete(tag);
            continue;
          }
          await res.arrayBuffer();
          latencies.push((await got) - t0);
        }
      }),
    );
    result = { latencies, errors, seconds: (performance.now() - started) / 1000 };
  } else throw new Error(`unknown scenario ${scenario}`);
  for (const s of sockets) s.close();
  // A pipe takes large writes asynchronously: exit once the result is out, not in the middle.
  process.stdout.write(JSON.stringify(result) + "\n", () => process.exit(0));
}

main().catch((err) => {
  process.stderr.write(String(err?.stack ?? err) + " cause: " + String(err?.cause?.stack ?? err?.cause) + "\n");
  process.exit(1);
});
