import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { databases } from "../helpers/services.ts";
import { freshDatabaseUrl } from "../helpers/server.ts";
import { startReceiver, type Receiver } from "./webhooks-receiver.ts";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The real server as its own process (`tsx server/main.ts`), so that it can be killed with SIGKILL. */
async function spawnParley(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    cwd: root,
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Parley is running on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`server exited with ${code} before it was ready:\n${output}`)));
  });
  return { child, url };
}

function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

for (const db of databases()) {
  describe.skipIf(!db.available)(`webhooks across a crash on ${db.name}`, () => {
    const cleanup: (() => Promise<void>)[] = [];
    afterEach(async () => {
      for (const fn of cleanup.splice(0).reverse()) await fn();
    });

    it("delivers every pending event after the relay is killed with SIGKILL and started again", async () => {
      const database = await freshDatabaseUrl(db.name);
      cleanup.push(database.drop);
      const receiver: Receiver = await startReceiver(() => "hang");
      cleanup.push(receiver.close);
      const token = `sk_test_${crypto.randomBytes(12).toString("hex")}`;
      const env = {
        DATABASE_URL: database.url,
        PARLEY_API_TOKEN: token,
        PARLEY_WEBHOOK_ALLOW_PRIVATE: "1",
        PARLEY_WEBHOOK_TIMEOUT_MS: "1000",
        PARLEY_WEBHOOK_BACKOFF_MS: "50",
      };
      const call = async (base: string, method: string, p: string, body?: unknown) => {
        const res = await fetch(base + p, {
          method,
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
      };

      const first = await spawnParley(env);
      cleanup.push(() => kill9(first.child));
      const hook = await call(first.url, "POST", "/v1/webhooks", {
        url: receiver.url,
        events: ["conversation.created", "message.created"],
      });
      expect(hook.status).toBe(201);
      const conversations: string[] = [];
      for (let i = 0; i < 4; i++) {
        const conv = await call(first.url, "POST", "/v1/conversations", {
          topic: `crash ${i}`,
          message: { text: "before the crash" },
        });
        expect(conv.status).toBe(201);
        conversations.push(conv.body.id);
      }
      // Deliveries are in flight (the receiver does not answer) or waiting behind them: kill the relay now.
      await receiver.waitFor((r) => r.length >= conversations.length, "the first attempts");
      await kill9(first.child);
      receiver.releaseHanging();
      receiver.setAnswer(() => 200);

      const second = await spawnParley(env);
      cleanup.push(() => kill9(second.child));
      const expected = conversations.length * 2;
      await receiver.waitFor(
        (r) => new Set(r.filter((x) => x.status === 200).map((x) => x.body.id)).size >= expected,
        "every event after the restart",
      );

      const acked = receiver.acked();
      for (const id of conversations) {
        const types = [
          ...new Set(
            acked
              .filter((r) => (r.body.data.conversation?.id ?? r.body.data.message?.conversationId) === id)
              .map((r) => r.body.type),
          ),
        ];
        expect(types.sort()).toEqual(["conversation.created", "message.created"]);
      }
      // The relay records each outcome just after the receiver answers.
      let deliveries = await call(second.url, "GET", `/v1/webhooks/${hook.body.id}/deliveries?limit=100`);
      for (let i = 0; i < 200 && deliveries.body.items.some((d: { state: string }) => d.state !== "delivered"); i++) {
        await new Promise((r) => setTimeout(r, 25));
        deliveries = await call(second.url, "GET", `/v1/webhooks/${hook.body.id}/deliveries?limit=100`);
      }
      expect(deliveries.body.items).toHaveLength(expected);
      expect(deliveries.body.items.every((d: { state: string }) => d.state === "delivered")).toBe(true);
    }, 60_000);
  });
}
