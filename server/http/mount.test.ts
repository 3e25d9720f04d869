import http from "node:http";
import type { AddressInfo } from "node:net";
import express, { Router, type ErrorRequestHandler } from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { entered } from "./mount.ts";

/**
 * Routers behind `entered` answer exactly as the same routers `use`d one after another: the
 * same route for each path (case and trailing slash as Express reads them), middleware of a
 * router's own still run, errors still reach the error handler — and a router none of whose
 * routes can match is not entered.
 */
describe("entered", () => {
  let server: http.Server;
  let base: string;
  const log: string[] = [];
  /** `router`, noting each request that enters it. */
  const watched = (name: string, router: Router): Router =>
    Object.assign(
      ((req, res, next) => {
        log.push(`${name} ${req.path}`);
        router(req, res, next);
      }) as Router,
      { stack: router.stack },
    );

  beforeAll(async () => {
    const files = Router();
    files.use((_req, _res, next) => next());
    const inner = Router();
    inner.get("/v1/files/:key", (req, res) => void res.json({ by: "files", key: req.params.key }));
    files.use(inner);

    const conversations = Router();
    conversations.get(["/v1/conversations", "/v1/conversations/"], (_req, res) => void res.json({ by: "list" }));
    conversations.post(
      "/v1/conversations/:id/messages",
      (req, res) => void res.json({ by: "post", id: req.params.id }),
    );
    conversations.get("/v1/conversations/:id/fail", () => {
      throw new Error("failed");
    });
    // A later router with an overlapping path: reached only when the first did not answer.
    const later = Router();
    later.get("/v1/conversations/:id", (req, res) => void res.json({ by: "later", id: req.params.id }));

    const app = express();
    app.use(entered(watched("files", files), watched("conversations", conversations), watched("later", later)));
    app.use((_req, res) => void res.status(404).json({ by: "none" }));
    const onError: ErrorRequestHandler = (err: Error, _req, res, _next) =>
      void res.status(500).json({ error: err.message });
    app.use(onError);
    server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const call = async (method: string, path: string) => {
    const res = await fetch(base + path, { method });
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  };

  it("sends each path to the route Express would choose", async () => {
    expect(await call("POST", "/v1/conversations/c_1/messages")).toEqual({
      status: 200,
      body: { by: "post", id: "c_1" },
    });
    expect(await call("POST", "/V1/Conversations/c_1/Messages/")).toEqual({
      status: 200,
      body: { by: "post", id: "c_1" },
    });
    expect(await call("GET", "/v1/conversations/")).toEqual({ status: 200, body: { by: "list" } });
    expect(await call("GET", "/v1/conversations/c_2")).toEqual({ status: 200, body: { by: "later", id: "c_2" } });
    expect(await call("GET", "/v1/files/k1")).toEqual({ status: 200, body: { by: "files", key: "k1" } });
    expect(await call("GET", "/v1/nothing")).toEqual({ status: 404, body: { by: "none" } });
  });

  it("passes a route's error on to the error handler", async () => {
    expect(await call("GET", "/v1/conversations/c_3/fail")).toEqual({ status: 500, body: { error: "failed" } });
  });

  it("enters a router with middleware of its own for every path, and one with routes only for its own", async () => {
    log.length = 0;
    await call("GET", "/v1/conversations/c_4");
    await call("GET", "/v1/files/k2");
    await call("GET", "/v1/nothing");
    expect(log).toEqual([
      "files /v1/conversations/c_4",
      "conversations /v1/conversations/c_4",
      "later /v1/conversations/c_4",
      "files /v1/files/k2",
      "files /v1/nothing",
    ]);
  });
});
