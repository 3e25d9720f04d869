import nodemailer, { type Transporter } from "nodemailer";
import type { Kysely } from "kysely";
import type { Logger } from "pino";
import type { Database } from "../store/tables.ts";
import { Sleeper } from "../events/sleeper.ts";
import { retryDelayMs } from "../webhooks/backoff.ts";
import { claimNext, composeDue, dueThreads, markFailed, markSent, nextDue } from "./outbox.ts";
import type { EmailMetrics } from "./metrics.ts";

export interface MailerOptions {
  db: Kysely<Database>;
  log: Logger;
  smtpUrl: string;
  from: string;
  domain: string;
  metrics?: EmailMetrics;
  /** First retry delay after an SMTP failure (doubles, with jitter, up to an hour). */
  backoffMs?: number;
  /** Attempts before an email is given up as failed. */
  maxAttempts?: number;
  /** How long an attempt holds its row: a node that dies mid-send leaves it for this long. */
  leaseMs?: number;
  /** How often to look for clocks and retries set by other nodes. */
  pollMs?: number;
}

/**
 * Composes the emails whose clock ran out and sends the outbox over SMTP, on every node (each
 * step is claimed with a conditional update, so nodes never do the same one twice). Woken by the
 * `email` consumer when it starts a clock; otherwise sleeps until the next clock or retry.
 */
export class Mailer {
  private readonly transport: Transporter;
  private readonly sleeper = new Sleeper();
  private stopping = false;
  private loop: Promise<void> | null = null;

  constructor(private readonly o: MailerOptions) {
    this.transport = nodemailer.createTransport(o.smtpUrl);
  }

  start(): void {
    this.loop ??= this.run();
  }

  wake(): void {
    this.sleeper.wake();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.sleeper.wake();
    await this.loop;
    this.transport.close();
  }

  private async run(): Promise<void> {
    const pollMs = this.o.pollMs ?? 1000;
    while (!this.stopping) {
      let wait = pollMs;
      try {
        await this.pass();
        const next = await nextDue(this.o.db);
        if (next) wait = Math.max(0, Math.min(pollMs, Date.parse(next) - Date.now()));
      } catch (err) {
        if (this.stopping) break;
        this.o.log.error({ err }, "email: pass failed");
      }
      if (!this.stopping) await this.sleeper.sleep(wait);
    }
  }

  private async pass(): Promise<void> {
    const now = () => new Date().toISOString();
    for (const id of await dueThreads(this.o.db, now())) {
      if (this.stopping) return;
      try {
        await composeDue(this.o.db, id, now(), this.o);
      } catch (err) {
        // One conversation that cannot be composed does not hold back the others.
        this.o.log.error({ err, conversationId: id }, "email: composing failed");
      }
    }
    for (;;) {
      if (this.stopping) return;
      const row = await claimNext(this.o.db, new Date(), this.o.leaseMs ?? 60_000);
      if (!row) return;
      try {
        await this.transport.sendMail({
          from: this.o.from,
          to: row.recipient,
          ...(row.reply_to ? { replyTo: row.reply_to } : {}),
          subject: row.subject,
          text: row.text,
          html: row.html,
          messageId: row.message_id,
          headers: { "Auto-Submitted": "auto-generated" },
        });
        await markSent(this.o.db, row.id, now());
        this.o.metrics?.sent.inc({ result: "sent", kind: row.kind });
        this.o.log.info({ email: row.id, kind: row.kind, conversationId: row.conversation_id }, "email: sent");
      } catch (err) {
        const giveUp = Number(row.attempts) >= (this.o.maxAttempts ?? 12);
        const retryAt = giveUp
          ? null
          : new Date(Date.now() + retryDelayMs(Number(row.attempts), this.o.backoffMs ?? 30_000)).toISOString();
        await markFailed(this.o.db, row.id, String((err as Error).message ?? err).slice(0, 500), retryAt);
        this.o.metrics?.sent.inc({ result: giveUp ? "failed" : "retry", kind: row.kind });
        this.o.log.warn(
          { err, email: row.id, kind: row.kind, attempts: row.attempts, retryAt },
          "email: SMTP send failed",
        );
      }
    }
  }
}
