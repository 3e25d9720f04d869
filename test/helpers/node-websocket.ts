import { WebSocket } from "ws";

/**
 * The `ws` package's WebSocket, typed as the browser's: Node 20 has no WebSocket global, so
 * tests that run the widget's session code in Node hand it this one (SessionOptions.WebSocket).
 */
export const NodeWebSocket = WebSocket as unknown as typeof globalThis.WebSocket;
