import type { Namespace } from "socket.io";
import type { RealtimeDeps } from "./index.ts";

/**
 * May an emit to `room` reach anyone? socket.io encodes a broadcast's packet before it looks at
 * the room, so an emit to an empty room still costs its encoding. With one node (socket.io's
 * in-memory adapter) this node's rooms are all there are: an empty one is skipped, exactly as the
 * adapter would skip it. With the Redis adapter a room empty here may have sockets on another
 * node, and only that node knows: every emit is published then, as before.
 */
export function mayReach(nsp: Pick<Namespace, "adapter">, room: string, deps: Pick<RealtimeDeps, "redis">): boolean {
  if (deps.redis) return true;
  return (nsp.adapter.rooms.get(room)?.size ?? 0) > 0;
}
