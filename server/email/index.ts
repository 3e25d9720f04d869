import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { Router } from "express";
import type { EmailConfig } from "../config.ts";
import type { Ctx } from "../domain/context.ts";
import type { EventLog } from "../events/log-consumers.ts";
import { inboundEmailRoutes } from "../http/routes/inbound-email.ts";
import { transcriptRoutes } from "../http/routes/transcript.ts";
import { Mailer } from "./mailer.ts";
import { emailMetrics } from "./metrics.ts";
import { scheduleEmails } from "./schedule.ts";
import { notifyAgents } from "./notify.ts";
import { connectedAgents } from "../domain/availability.ts";
import { listenForReplies } from "./smtp-listener.ts";

export interface Email {
  router: Router;
  /** The inbound SMTP listener's port, once started with PARLEY_INBOUND_SMTP_PORT set. */
  smtpPort: number | null;
  start(host: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Wires email continuity (CONTRACT §9, docs/email.md) into a Parley: the `email` consumer of the
 * event log that starts a conversation's clock, the `email-notifications` consumer that writes
 * the agents' notifications, the mailer that composes and sends (all three only with SMTP_URL,
 * which also takes transcripts through `ctx.mail`), the inbound SMTP listener (only with
 * PARLEY_INBOUND_SMTP_PORT), and the inbound and transcript routes.
 */
export function attachEmail(
  ctx: Ctx,
  eventLog: EventLog,
  log: Logger,
  config: EmailConfig,
  registry?: Registry,
): Email {
  const metrics = registry ? emailMetrics(registry) : undefined;
  const mailer = config.smtpUrl
    ? new Mailer({ db: ctx.db, log, smtpUrl: config.smtpUrl, from: config.from, domain: config.domain, metrics })
    : null;
  if (mailer) {
    ctx.mail = { domain: config.domain, wake: () => mailer.wake() };
    let scheduled = false;
    eventLog.consume({
      name: "email",
      from: "end",
      handle: async (events, trx) => {
        scheduled = await scheduleEmails(trx, events, config.delaySeconds);
      },
      afterCommit: () => {
        if (scheduled) mailer.wake();
      },
    });
    let notified = false;
    eventLog.consume({
      name: "email-notifications",
      from: "end",
      handle: async (events, trx) => {
        notified = await notifyAgents(trx, events, {
          connected: (ids) => connectedAgents(ctx, ids),
          publicUrl: ctx.publicUrl,
          domain: config.domain,
          now: ctx.now(),
        });
      },
      afterCommit: () => {
        if (notified) mailer.wake();
      },
    });
  }
  const onResult = (stored: boolean) => metrics?.inbound.inc({ result: stored ? "stored" : "refused" });
  let listener: { port: number; close(): Promise<void> } | null = null;
  const email: Email = {
    router: Router().use(inboundEmailRoutes(ctx, { domain: config.domain, onResult }), transcriptRoutes(ctx)),
    smtpPort: null,
    start: async (host) => {
      mailer?.start();
      if (config.inboundSmtpPort !== undefined) {
        listener = await listenForReplies(ctx, {
          port: config.inboundSmtpPort,
          host,
          domain: config.domain,
          log,
          onResult,
        });
        email.smtpPort = listener.port;
      }
    },
    close: async () => {
      await listener?.close();
      await mailer?.stop();
    },
  };
  return email;
}
