import type http from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import { errorBody } from "../../shared/errors.ts";

/** What the parser refused, said to the client (never the parser's own message). */
function reason(code: string | undefined): string {
  if (code === "HPE_HEADER_OVERFLOW") return "Request headers too large";
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") return "Request took too long to arrive";
  return "Malformed HTTP request";
}

/**
 * Raw HTTP that Node's parser refuses (a bad request line, a broken header, headers too large, a
 * request that never finishes arriving) never reaches Express: Node would answer a bare 400 with no
 * body. This answers it in the error envelope instead, `400 bad_request`, and closes the connection.
 * A connection already gone, or one with a response under way, is only destroyed.
 */
export function answerClientErrors(server: http.Server, log: Logger): void {
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    log.debug({ code: err.code }, "refused a request the HTTP parser could not read");
    const responding = (socket as Duplex & { _httpMessage?: unknown })._httpMessage;
    if (err.code === "ECONNRESET" || !socket.writable || responding) return void socket.destroy();
    const body = JSON.stringify(errorBody("bad_request", reason(err.code)));
    socket.end(
      "HTTP/1.1 400 Bad Request\r\n" +
        "Content-Type: application/json; charset=utf-8\r\n" +
        `Content-Length: ${Buffer.byteLength(body)}\r\n` +
        "X-Content-Type-Options: nosniff\r\n" +
        "Connection: close\r\n\r\n" +
        body,
    );
  });
}
