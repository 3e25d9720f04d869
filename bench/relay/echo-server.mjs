// The floor: a bare socket.io server on /visitor that acknowledges each `send` with the same
// shape of answer Parley gives, without storing anything. Prints its port, then serves until
// stdin closes. Plain JavaScript, in its own process like Parley.
import http from "node:http";
import { Server } from "socket.io";

const server = http.createServer();
const io = new Server(server, { serveClient: false });
io.of("/visitor").on("connection", (socket) => {
  socket.on("send", (payload, ack) => {
    const now = new Date().toISOString();
    ack({
      ok: true,
      message: {
        id: `msg_${payload.clientId}`,
        seq: 1,
        clientId: payload.clientId,
        ...payload.message,
        createdAt: now,
      },
      conversation: { id: payload.conversationId ?? "conv_echo", status: "open", lastSeq: 1 },
    });
  });
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`${server.address().port}\n`);
});
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
