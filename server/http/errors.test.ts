import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorHandler } from "./errors.ts";

/** A route that fails the way a lost database connection fails, and one that fails for no known reason. */
describe("error handler", () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    const app = express();
    app.get("/db-down", () => {
      throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });
    });
    app.get("/pg-shutdown", () => {
      throw Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" });
    });
    app.get("/bug", () => {
      throw new TypeError("cannot read properties of undefined (reading 'x') at /srv/app.ts:1");
    });
    app.use(errorHandler(pino({ level: "silent" })));
    server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it.each(["/db-down", "/pg-shutdown"])(
    "answers 503 unavailable with Retry-After when the database is unreachable (%s)",
    async (path) => {
      const res = await fetch(base + path);
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      expect((await res.json()).error.code).toBe("unavailable");
    },
  );

  it("answers 500 internal_error without leaking the message or a stack", async () => {
    const res = await fetch(base + "/bug");
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text).error.code).toBe("internal_error");
    expect(text).not.toMatch(/reading 'x'|app\.ts|TypeError/);
  });
});
