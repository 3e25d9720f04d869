import { SMTPServer } from "smtp-server";
import { simpleParser, type ParsedMail } from "mailparser";
import type { AddressInfo } from "node:net";

/** A real SMTP server that keeps every mail it receives (no mocked transport). */
export interface Sink {
  url: string;
  mails: ParsedMail[];
  /** Resolves with the n-th mail (1-based), already received or still to come. */
  mail(n: number): Promise<ParsedMail>;
  close(): Promise<void>;
}

export async function startSink(): Promise<Sink> {
  const mails: ParsedMail[] = [];
  let waiters: { n: number; resolve: (m: ParsedMail) => void }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (m) => {
          mails.push(m);
          waiters = waiters.filter((w) => (w.n <= mails.length ? (w.resolve(mails[w.n - 1]!), false) : true));
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    mail: (n) =>
      n <= mails.length ? Promise.resolve(mails[n - 1]!) : new Promise((resolve) => waiters.push({ n, resolve })),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A reply as a mail client writes it: new line, signature, quoted history, one attachment. */
export function replyMime(o: { to: string; messageId: string; text: string; attachment?: Buffer }): Buffer {
  const boundary = "b1_parley_test";
  const quoted = `${o.text}\n\n-- \nJane Doe\nAcme Customer\n\nOn Tue, 1 Dec 2026 at 10:00, Support <support@example.com> wrote:\n> Your order ships today.\n> Anything else?\n`;
  const parts = [
    `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n${quoted.replace(/\n/g, "\r\n")}\r\n`,
    ...(o.attachment
      ? [
          `--${boundary}\r\nContent-Type: image/png; name="receipt.png"\r\nContent-Disposition: attachment; filename="receipt.png"\r\nContent-Transfer-Encoding: base64\r\n\r\n${o.attachment.toString("base64")}\r\n`,
        ]
      : []),
  ];
  return Buffer.from(
    [
      `From: Jane <jane@example.org>`,
      `To: ${o.to}`,
      `Subject: Re: New reply`,
      `Message-ID: <${o.messageId}@example.org>`,
      `MIME-Version: 1.0`,
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      ``,
      parts.join("") + `--${boundary}--\r\n`,
    ].join("\r\n"),
  );
}
