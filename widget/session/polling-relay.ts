import type { Listener, RelayOptions, RelaySocket } from "./relay-socket.ts";

/**
 * The same link over HTTP long-polling, through socket.io-client, fetched on first use: for
 * pages whose CSP allows the relay's https: origin but not its wss: one (or networks that
 * refuse websockets). Listeners and emits made before the chunk arrives wait for it.
 */
export function pollingRelay(url: string, path: string, opts: RelayOptions): RelaySocket {
  type IoSocket = import("socket.io-client").Socket;
  const handlers: [string, Listener][] = [];
  let real: IoSocket | null = null;
  let closed = false;
  let loading: Promise<IoSocket | null> | null = null;
  const load = (): Promise<IoSocket | null> =>
    (loading ??= import("socket.io-client").then(
      ({ io }) => {
        if (closed) return null;
        real = io(url, {
          path,
          auth: (cb) => cb(opts.auth()),
          forceNew: true,
          reconnectionDelayMax: opts.reconnectionDelayMax,
          transports: ["polling"],
        });
        for (const [event, fn] of handlers) real.on(event, fn);
        return real;
      },
      (err: Error) => {
        loading = null; // offline: the next connect() tries again
        for (const [event, fn] of handlers) if (event === "connect_error") fn(err);
        return null;
      },
    ));
  return {
    get connected() {
      return !!real?.connected;
    },
    get active() {
      return real ? real.active : !closed && !!loading;
    },
    on(event, fn) {
      handlers.push([event, fn as Listener]);
      real?.on(event, fn as Listener);
    },
    emitWithAck: (event, payload, ms) =>
      load().then((s) => (s ? s.timeout(ms).emitWithAck(event, payload) : Promise.reject(new Error("closed")))),
    connect() {
      closed = false;
      if (real) real.connect();
      else void load();
    },
    disconnect() {
      closed = true;
      real?.disconnect();
    },
    removeAllListeners() {
      handlers.length = 0;
      real?.removeAllListeners();
    },
  };
}
