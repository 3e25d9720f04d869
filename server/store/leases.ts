import crypto from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "./tables.ts";

/**
 * A lease on a periodic job (its row in `job_leases`): the node that holds it runs the job, the
 * others skip it. A node that dies holding it loses it when `until` passes.
 */
export interface Lease {
  /** Extends the lease; false when another node took it meanwhile (this node then stops). */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

/** Takes the lease named `name` for `ms` when it is free or expired; null when another node holds it. */
export async function claimLease(db: Kysely<Database>, name: string, ms: number): Promise<Lease | null> {
  const holder = crypto.randomBytes(9).toString("base64url");
  const until = () => new Date(Date.now() + ms).toISOString();
  await db
    .insertInto("job_leases")
    .values({ name, holder: null, until: null })
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  const taken = await db
    .updateTable("job_leases")
    .set({ holder, until: until() })
    .where("name", "=", name)
    .where((eb) => eb.or([eb("until", "is", null), eb("until", "<", new Date().toISOString())]))
    .executeTakeFirst();
  if (Number(taken.numUpdatedRows) !== 1) return null;
  const mine = db.updateTable("job_leases").where("name", "=", name).where("holder", "=", holder);
  return {
    renew: async () => Number((await mine.set({ until: until() }).executeTakeFirst()).numUpdatedRows) === 1,
    release: async () => {
      await mine.set({ holder: null, until: null }).execute();
    },
  };
}
