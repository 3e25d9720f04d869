import type { Server } from "socket.io";
import type { RealtimeDeps } from "./index.ts";

/** The inbox's namespace. (Being built: see issue 5.) */
export function attachAgentNamespace(_io: Server, _deps: RealtimeDeps): void {}
