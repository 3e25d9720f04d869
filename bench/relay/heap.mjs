// Collects garbage in another node process through its inspector and prints its heap in use.
// Usage: node --experimental-websocket bench/relay/heap.mjs <inspector port>
// (Node 20 has WebSocket behind that flag; later versions have it always.) Prints {"usedSize": bytes}.
/* global WebSocket */
const port = process.argv[2];
const [target] = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
const socket = new WebSocket(target.webSocketDebuggerUrl);
let id = 0;
const pending = new Map();
socket.onmessage = (event) => {
  const msg = JSON.parse(String(event.data));
  pending.get(msg.id)?.(msg.result);
  pending.delete(msg.id);
};
const call = (method, params = {}) =>
  new Promise((resolve) => {
    pending.set(++id, resolve);
    socket.send(JSON.stringify({ id, method, params }));
  });
await new Promise((resolve, reject) => {
  socket.onopen = resolve;
  socket.onerror = reject;
});
// Twice: what the first pass frees can let a second free more (weak maps, finalizers).
await call("HeapProfiler.collectGarbage");
await call("HeapProfiler.collectGarbage");
const usage = await call("Runtime.getHeapUsage");
process.stdout.write(JSON.stringify({ usedSize: usage.usedSize }) + "\n");
socket.close();
process.exit(0);
