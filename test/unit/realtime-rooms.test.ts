import { describe, expect, it } from "vitest";
import { Server } from "socket.io";
import { mayReach } from "../../server/realtime/rooms.ts";

describe("mayReach", () => {
  // A Server attached to no HTTP server: its namespaces' adapters, nothing listening.
  it("skips a room with no socket on a single node, and not once a socket joined it", async () => {
    const io = new Server();
    const nsp = io.of("/visitor");
    expect(mayReach(nsp, "conversation:c1", { redis: null })).toBe(false);
    await nsp.adapter.addAll("socket-1", new Set(["conversation:c1"]));
    expect(mayReach(nsp, "conversation:c1", { redis: null })).toBe(true);
    await nsp.adapter.del("socket-1", "conversation:c1");
    expect(mayReach(nsp, "conversation:c1", {})).toBe(false);
  });

  it("never skips when an adapter spans nodes: the room may have sockets on another node", () => {
    const io = new Server();
    const nsp = io.of("/visitor");
    const redis = {} as NonNullable<Parameters<typeof mayReach>[2]["redis"]>;
    expect(mayReach(nsp, "conversation:c1", { redis })).toBe(true);
  });
});
