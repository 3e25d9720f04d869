import { SMTPServer } from "smtp-server";
import type { Logger } from "pino";
import type { Ctx } from "../domain/context.ts";
import { conversationOfToken, maxInboundEmailBytes, receiveReply, replyTokenOf } from "./inbound.ts";

type SmtpError = Error & { responseCode?: number };
const smtpError = (message: string, responseCode: number): SmtpError =>
  Object.assign(new Error(message), { responseCode });

/**
 * The SMTP listener for replies (PARLEY_INBOUND_SMTP_PORT): accepts mail only for
 * reply+<token>@domain addresses whose token Parley issued (others are refused at RCPT TO, so
 * nothing is received for them), at most `maxInboundEmailBytes`, and stores each as a reply.
 */
export async function listenForReplies(
  ctx: Ctx,
  o: { port: number; host: string; domain: string; log: Logger; onResult?: (stored: boolean) => void },
): Promise<{ port: number; close(): Promise<void> }> {
  const server = new SMTPServer({
    name: o.domain,
    banner: "Parley reply intake",
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    size: maxInboundEmailBytes,
    // Connections at once: a flood of senders waits instead of exhausting the node.
    maxClients: 50,
    logger: false,
    onRcptTo(address, _session, callback) {
      const token = replyTokenOf([address.address], o.domain);
      if (!token) return callback(smtpError("No such mailbox", 550));
      conversationOfToken(ctx, token).then(
        (id) => callback(id ? undefined : smtpError("No such mailbox", 550)),
        (err: unknown) => {
          o.log.error({ err }, "email: reply address lookup failed");
          callback(smtpError("Try again later", 451));
        },
      );
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded)
          return callback(smtpError("Message too large", 552));
        const recipients = session.envelope.rcptTo.map((r) => r.address);
        receiveReply(ctx, Buffer.concat(chunks), { domain: o.domain, recipients }).then(
          () => {
            o.onResult?.(true);
            callback();
          },
          (err: unknown) => {
            o.onResult?.(false);
            const known = err instanceof Error && "code" in err;
            if (!known) o.log.error({ err }, "email: storing a reply failed");
            callback(known ? smtpError(err.message, 550) : smtpError("Try again later", 451));
          },
        );
      });
    },
  });
  server.on("error", (err) => o.log.error({ err }, "email: SMTP listener error"));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const address = server.server.address();
  return {
    port: typeof address === "object" && address ? address.port : o.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
