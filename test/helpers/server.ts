import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import crypto from "node:crypto";
import pg from "pg";
import pino from "pino";
import { readConfig } from "../../server/config.ts";
import { startParley, type Parley } from "../../server/parley.ts";
import { services } from "./services.ts";
import { apiClient } from "./api.ts";

export interface TestServer {
  url: string;
  port: number;
  token: string;
  siteKey: string;
  adminPassword: string;
  databaseUrl: string;
  parley: Parley;
  /** fetch against the server with the admin token and JSON. */
  api(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

/** A fresh database URL: a temporary SQLite file, or a new schema in the test PostgreSQL database. */
export async function freshDatabaseUrl(db: "sqlite" | "postgres"): Promise<{ url: string; drop(): Promise<void> }> {
  if (db === "sqlite") {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-test-"));
    return {
      url: `sqlite:${path.join(dir, "parley.sqlite")}`,
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  if (!services.postgresUrl) throw new Error("PostgreSQL is not available to this run");
  const schema = `t_${crypto.randomBytes(6).toString("hex")}`;
  const base = new URL(services.postgresUrl);
  base.searchParams.set("schema", schema);
  return {
    url: base.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: services.postgresUrl! });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

/** Starts a whole Parley in this process on a free port with its own database. */
export async function startTestServer(
  opts: {
    db?: "sqlite" | "postgres";
    env?: Record<string, string>;
    databaseUrl?: string;
    publicDir?: string;
    /** The server's clock for stored timestamps (default: the real one). */
    now?: () => string;
  } = {},
): Promise<TestServer> {
  const fresh = opts.databaseUrl
    ? { url: opts.databaseUrl, drop: async () => {} }
    : await freshDatabaseUrl(opts.db ?? "sqlite");
  const token = `sk_test_${crypto.randomBytes(12).toString("hex")}`;
  const adminPassword = "correct horse battery";
  const config = readConfig({
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: fresh.url,
    PARLEY_API_TOKEN: token,
    PARLEY_ADMIN_PASSWORD: adminPassword,
    PARLEY_RATE_LIMIT: "1000000",
    PARLEY_HANDSHAKE_LIMIT: "1000000",
    PARLEY_SEND_LIMIT: "1000000",
    LOG_LEVEL: "silent",
    ...opts.env,
  });
  const parley = await startParley(config, {
    logger: pino({ level: process.env.PARLEY_TEST_LOG ?? "silent" }),
    publicDir: opts.publicDir,
    now: opts.now,
  });
  const api: TestServer["api"] = apiClient(parley.url, token);

  return {
    url: parley.url,
    port: parley.port,
    token,
    siteKey: parley.boot.siteKey,
    adminPassword,
    databaseUrl: fresh.url,
    parley,
    api,
    close: async () => {
      await parley.close();
      await fresh.drop();
    },
  };
}
