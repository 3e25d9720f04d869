// The load generator, in its own thread so that it does not share an event loop with the
// server it measures. Plain JavaScript: worker threads do not inherit the TypeScript loader.
// Closed loop: `concurrency` callers, each sending its next request when the last one answered.
import http from "node:http";
import { parentPort, workerData } from "node:worker_threads";

const { url, token, concurrency, durationMs, warmupMs, kind, conversations } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const target = new URL(url);

/** What caller `slot` sends as its `n`th request. */
function request(slot, n) {
  switch (kind) {
    case "bare":
      return { method: "POST", path: "/bare", body: JSON.stringify({ text: `hello ${n}` }) };
    case "conversations":
      return {
        method: "POST",
        path: "/v1/conversations",
        body: JSON.stringify({ contact: { name: `Visitor ${slot}-${n}` }, message: { text: `hello ${n}` } }),
      };
    case "messages":
      return {
        method: "POST",
        path: `/v1/conversations/${conversations[slot % conversations.length]}/messages`,
        body: JSON.stringify({ text: `message ${n} from ${slot}` }),
      };
    case "history":
      return { method: "GET", path: `/v1/conversations/${conversations[0]}/messages` };
    default:
      throw new Error(`unknown kind ${kind}`);
  }
}

function send({ method, path, body }) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        method,
        path,
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
      },
    );
    req.on("error", reject);
    if (body) req.write(body);
    req.end();
  });
}

const latencies = [];
let errors = 0;
let answered = 0;
let measuredFrom = 0;
let stopAt = 0;

async function caller(slot) {
  for (let n = 0; Date.now() < stopAt; n++) {
    const { status, ms } = await send(request(slot, n));
    answered++;
    if (status >= 300) errors++;
    else if (Date.now() >= measuredFrom) latencies.push(ms);
  }
}

const start = Date.now();
measuredFrom = start + warmupMs;
stopAt = measuredFrom + durationMs;
await Promise.all(Array.from({ length: concurrency }, (_, slot) => caller(slot)));
const seconds = (Date.now() - measuredFrom) / 1000;
agent.destroy();
parentPort.postMessage({ latencies, errors, seconds, answered });
