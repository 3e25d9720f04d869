import type { Kysely, Transaction } from "kysely";
import type { Database } from "../store/tables.ts";
import type { Dialect } from "../store/db.ts";
import { isDeadlock, isForeignKeyViolation, isUniqueViolation } from "../store/db.ts";
import { ParleyError } from "./errors.ts";
import type { DomainEvent, EventBus } from "../events/bus.ts";
import type { AgentRole } from "../../shared/schemas/agent.ts";

/** What every domain function works with. Nothing here knows of HTTP or sockets. */
export interface Ctx {
  db: Kysely<Database>;
  dialect: Dialect;
  bus: EventBus;
  now(): string;
  /** Base URL used in links to conversations (the inbox). */
  publicUrl: string;
  /** Which agents have an inbox connected (realtime presence); absent: nobody is. */
  presence?: { connected(agentIds: string[]): Promise<Set<string>> };
  /** Outbound email (docs/email.md), present with SMTP_URL: the reply domain, and a wake-up for the sender. */
  mail?: { domain: string; wake(): void };
}

export type Trx = Transaction<Database>;
export type Db = Kysely<Database> | Trx;
export type Emit = (event: DomainEvent) => void;

/** Who is acting. Authorisation rules read this; the domain trusts nothing else. */
export type Principal =
  | { kind: "token"; tokenId: string; siteId: string | null; name: string }
  | { kind: "agent"; agentId: string; name: string; role: AgentRole }
  | { kind: "visitor"; visitorId: string; siteId: string; contactId: string | null }
  | { kind: "system" };

/**
 * The one site a caller is held to, or null for every site. Kept for callers written before the
 * permission table: new code reads `siteScopeOf` and `authorize` in permissions.ts.
 */
export { siteScopeOf as siteScope } from "./permissions.ts";

/**
 * The one write path: runs `fn` in a transaction, lets in-transaction hooks (the webhook
 * outbox) store the durable events with the change, commits, then publishes every event.
 * A unique-index race (two writers with the same idempotency key) is retried once, when the
 * second writer finds the first one's row.
 */
export async function write<T>(ctx: Ctx, fn: (trx: Trx, emit: Emit) => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    const events: DomainEvent[] = [];
    try {
      const result = await ctx.db.transaction().execute(async (trx) => {
        const value = await fn(trx, (e) => events.push(e));
        await ctx.bus.runTransactionHooks(trx, events);
        return value;
      });
      for (const event of events) ctx.bus.publish(event);
      return result;
    } catch (err) {
      // A unique-index race, or a row that referred to something deleted meanwhile (an erased
      // contact), or a deadlock the database broke: run again, and the domain's own checks answer
      // (found twin, or 404/422).
      if (attempt < 2 && (isUniqueViolation(err) || isForeignKeyViolation(err) || isDeadlock(err))) continue;
      if (isForeignKeyViolation(err))
        throw new ParleyError("conflict", "Something this change refers to was deleted meanwhile");
      throw err;
    }
  }
}

export const json = {
  parse<T>(text: string | null | undefined, fallback: T): T {
    if (!text) return fallback;
    try {
      return JSON.parse(text) as T;
    } catch {
      return fallback;
    }
  },
  stringify: (value: unknown) => JSON.stringify(value ?? null),
};

/** Milliseconds-precision ISO timestamps that sort as text. */
export const isoNow = () => new Date().toISOString();
