import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import readline from "node:readline";
import { spawnNode } from "../../test/helpers/nodes.ts";
import { freshDatabaseUrl } from "../../test/helpers/server.ts";

/**
 * Memory per idle connected visitor, measured: a fresh node with its inspector open, a first
 * group of visitors connected (so that code, caches and pools that any traffic warms are in the
 * baseline), garbage collected in the node, its resident memory and heap read; then `n` more
 * visitors connected and welcomed, garbage collected again, read again. The difference over `n`.
 */

const here = import.meta.dirname;
const WARM_UP = 200;

/** Resident memory of a process, in bytes (Linux). */
function rssOf(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Full garbage collection in the node (through its inspector); answers its heap in use. */
function collectGarbage(inspectPort: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--experimental-websocket", path.join(here, "heap.mjs"), String(inspectPort)],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.once("exit", (code) =>
      code === 0 ? resolve(JSON.parse(out).usedSize) : reject(new Error(`heap exited ${code}`)),
    );
  });
}

/** `n` idle visitors from a load process of their own; resolves once all are welcomed. */
async function connectIdle(url: string, siteKey: string, n: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [path.join(here, "load.mjs"), JSON.stringify({ url, siteKey, visitors: n, scenario: "idle" })],
    { stdio: ["pipe", "pipe", "inherit"] },
  );
  await new Promise<void>((resolve, reject) => {
    readline.createInterface({ input: child.stdout! }).once("line", () => resolve());
    child.once("exit", (code) => reject(new Error(`idle visitors exited ${code}`)));
  });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once("exit", r));
  child.stdin!.write("stop\n");
  await exited;
}

export interface IdleMemory {
  rssPerVisitor: number;
  heapPerVisitor: number;
  seconds: number;
}

export async function idleMemory(database: "sqlite" | "postgres", token: string, n: number): Promise<IdleMemory> {
  const db = await freshDatabaseUrl(database);
  const inspectPort = await freePort();
  const node = await spawnNode({
    databaseUrl: db.url,
    token,
    env: { PARLEY_RATE_LIMIT: "100000000" },
    execArgv: [`--inspect=127.0.0.1:${inspectPort}`],
  });
  const pid = node.child.pid!;
  const loads: ChildProcess[] = [];
  try {
    loads.push(await connectIdle(node.url, node.siteKey, WARM_UP));
    const heapBefore = await collectGarbage(inspectPort);
    const rssBefore = rssOf(pid);
    const started = Date.now();
    loads.push(await connectIdle(node.url, node.siteKey, n));
    const seconds = (Date.now() - started) / 1000;
    const heapAfter = await collectGarbage(inspectPort);
    const rssAfter = rssOf(pid);
    return { rssPerVisitor: (rssAfter - rssBefore) / n, heapPerVisitor: (heapAfter - heapBefore) / n, seconds };
  } finally {
    for (const child of loads) await stop(child);
    await node.close();
    await db.drop();
  }
}
