import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { describe, expect, it } from "vitest";
import { openStore } from "../../server/store/db.ts";
import { freshDatabaseUrl } from "../helpers/server.ts";
import { spawnNode } from "../helpers/nodes.ts";
import { databases } from "../helpers/services.ts";

const root = path.resolve(import.meta.dirname, "../..");

/** The real server as `npm start` runs it, logging at info; resolves once it printed its URL. */
async function spawnServer(databaseUrl: string, token: string) {
  const node = await spawnNode({
    databaseUrl,
    token,
    adminPassword: "drain test password",
    env: { LOG_LEVEL: "info" },
  });
  let signalledAt = 0;
  return {
    child: node.child,
    url: node.url,
    lines: node.lines,
    kill(signal: NodeJS.Signals) {
      signalledAt = Date.now();
      node.child.kill(signal);
    },
    exited: node.exited.then((e) => ({ ...e, ms: signalledAt ? Date.now() - signalledAt : -1 })),
  };
}

describe.each(databases())("SIGTERM drain of the real server on $name", ({ name, available }) => {
  it.skipIf(!available)("finishes in-flight writes, logs JSON and exits 0 within 10 s", async () => {
    const db = await freshDatabaseUrl(name);
    const token = "sk_drain_test_token_0123456789";
    const server = await spawnServer(db.url, token);
    try {
      const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
      const created = await fetch(`${server.url}/v1/conversations`, {
        method: "POST",
        headers,
        body: JSON.stringify({ topic: "drain" }),
      });
      expect(created.status).toBe(201);
      const conversationId = ((await created.json()) as { id: string }).id;

      // A burst of writes; SIGTERM goes out as soon as the first one is answered, with the rest in flight.
      const burst = Array.from({ length: 120 }, (_, i) =>
        fetch(`${server.url}/v1/conversations/${conversationId}/messages`, {
          method: "POST",
          headers,
          body: JSON.stringify({ text: `in flight ${i}`, uniqueId: `drain-${i}` }),
        }).then(
          async (res) => ({
            i,
            status: res.status,
            body: (await res.json().catch(() => null)) as { seq?: number } | null,
          }),
          () => ({ i, status: 0, body: null }),
        ),
      );
      await Promise.race(burst);
      server.kill("SIGTERM");
      const outcomes = await Promise.all(burst);
      const exit = await server.exited;

      expect(exit.code).toBe(0);
      expect(exit.ms).toBeLessThan(10_000);
      // Every request either completed (and was stored) or never got in: nothing half-done.
      for (const o of outcomes) expect([0, 201, 503], `request ${o.i}`).toContain(o.status);
      const acknowledged = outcomes.filter((o) => o.status === 201);
      expect(acknowledged.length).toBeGreaterThan(0);

      const store = await openStore(db.url);
      try {
        const rows = await store.db
          .selectFrom("messages")
          .select(["idempotency_key", "seq"])
          .where("conversation_id", "=", conversationId)
          .orderBy("seq")
          .execute();
        const stored = new Set(rows.map((r) => r.idempotency_key));
        for (const o of acknowledged)
          expect(stored.has(`api:drain-${o.i}`), `acknowledged write ${o.i} is stored`).toBe(true);
        expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i + 1));
      } finally {
        await store.close();
      }

      // The banner for people, then one JSON object per log line for machines.
      const logs = server.lines
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as { level: number; msg: string; time: string });
      expect(logs.length).toBeGreaterThan(0);
      for (const log of logs) {
        expect(typeof log.level).toBe("number");
        expect(typeof log.msg).toBe("string");
      }
      expect(logs.some((l) => l.msg === "draining")).toBe(true);
    } finally {
      if (server.child.exitCode === null) server.kill("SIGKILL");
      await db.drop();
    }
  });
});

/**
 * `npm start` as a user (or a process manager) runs it: npm runs the build, then a shell that
 * execs the server, so the SIGTERM npm forwards reaches the server itself. Before, the shell
 * died and left the server running, orphaned, on its port.
 */
describe("npm start", () => {
  it("stops on SIGTERM: the server drains, npm exits 0 and the port is free", { timeout: 120_000 }, async () => {
    const db = await freshDatabaseUrl("sqlite");
    const buildDir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-start-"));
    const child = spawn("npm", ["start", "--silent"], {
      cwd: root,
      env: {
        ...process.env,
        PORT: "0",
        HOST: "127.0.0.1",
        DATABASE_URL: db.url,
        PARLEY_BUILD_DIR: buildDir,
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        readline.createInterface({ input: child.stdout! }).on("line", (line) => {
          const m = /Parley is running on (http:\/\/\S+)/.exec(line);
          if (m) resolve(m[1]!);
        });
        child.on("exit", (code) => reject(new Error(`npm start exited with ${code} before listening`)));
      });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    } finally {
      child.kill("SIGKILL");
      fs.rmSync(buildDir, { recursive: true, force: true });
      await db.drop();
    }
  });
});
