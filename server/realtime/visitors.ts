import type { Server } from "socket.io";
import type { RealtimeDeps } from "./index.ts";

/** The widget's namespace. (Being built: see issue 4.) */
export function attachVisitorNamespace(_io: Server, _deps: RealtimeDeps): void {}
