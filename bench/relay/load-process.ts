import { spawn } from "node:child_process";
import path from "node:path";
import type { Measured } from "../api/stats.ts";

/** Runs the relay's load generator (load.mjs) once in a process of its own and answers its JSON result. */
export function load(options: Record<string, unknown>): Promise<Measured & { starts?: number[] }> {
  return new Promise((resolve, reject) => {
    const script = path.join(import.meta.dirname, "load.mjs");
    const child = spawn(process.execPath, [script, JSON.stringify(options)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.once("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load exited ${code}`))));
  });
}
