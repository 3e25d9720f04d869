import { afterAll, describe, expect, it } from "vitest";
import { databases } from "../helpers/services.ts";
import { insertOldSite, oldRelease } from "../helpers/migrations.ts";

/**
 * A database whose reports were projected before migration 0021: its conversations solved and
 * assigned more than once still count once per figure after the upgrade (the migration finds
 * each change's predecessor), and once on each local day they happened.
 */
const iso = (day: number, hour: number) =>
  `2026-11-${String(day).padStart(2, "0")}T${String(hour).padStart(2, "0")}:00:00.000Z`;

for (const db of databases()) {
  describe.skipIf(!db.available)(`report repeats migration (${db.name})`, () => {
    const drops: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const drop of drops) await drop();
    });

    it("counts a conversation solved and assigned again once per period and once per day", async () => {
      const old = await oldRelease(db.name, "0020_report_instants");
      drops.push(old.drop);
      const raw = old.raw;
      const now = iso(1, 0);
      await insertOldSite(raw, now);
      for (const [id, name] of [
        ["ag_asha", "Asha"],
        ["ag_bruno", "Bruno"],
      ])
        await raw
          .insertInto("agents")
          .values({ id, name, email: `${id}@example.com`, role: "agent", password_hash: "x", created_at: now })
          .execute();
      await raw
        .insertInto("conversations")
        .values({
          id: "conv_old",
          site_id: "site_old",
          status: "solved",
          priority: "normal",
          channel: "api",
          metadata: "{}",
          last_seq: 0,
          created_at: iso(2, 8),
          updated_at: iso(5, 9),
        })
        .execute();
      // Assigned to Asha and solved on the 2nd; reopened, given to Bruno and solved on the 4th;
      // reopened, given back to Asha and solved twice on the 5th.
      const changes: [string, string, string][] = [
        ["assigned", "ag_asha", iso(2, 8)],
        ["solved", "ag_asha", iso(2, 9)],
        ["assigned", "ag_bruno", iso(4, 8)],
        ["solved", "ag_bruno", iso(4, 9)],
        ["assigned", "ag_asha", iso(5, 8)],
        ["solved", "ag_asha", iso(5, 9)],
        ["solved", "ag_asha", iso(5, 10)],
      ];
      await raw
        .insertInto("report_changes")
        .values(
          changes.map(([kind, agent_id, at]) => ({
            conversation_id: "conv_old",
            kind,
            agent_id,
            created_at: at,
            created_ms: Date.parse(at),
          })),
        )
        .execute();

      const s = await old.upgrade();
      const res = await s.api("GET", "/v1/reports/summary?from=2026-11-03&to=2026-11-06&tz=UTC");
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.conversations.solved).toBe(1);
      expect(res.body.perDay.map((d: any) => [d.date, d.solved])).toEqual([
        ["2026-11-03", 0],
        ["2026-11-04", 1],
        ["2026-11-05", 1],
        ["2026-11-06", 0],
      ]);
      const rows = Object.fromEntries(res.body.agents.map((a: any) => [a.name, [a.assigned, a.solved]]));
      expect(rows).toMatchObject({ Asha: [1, 1], Bruno: [1, 1] });
    });
  });
}
