import crypto from "node:crypto";
import { io, type Socket } from "socket.io-client";
import type { ParleyNode } from "./nodes.ts";

export interface Caller {
  /** A request as this caller: JSON in and out. */
  (method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }>;
  headers: Record<string, string>;
}

/** A caller that sends these headers (a bearer token, or a session cookie with the CSRF header). */
export function callerWith(server: ParleyNode, headers: Record<string, string>): Caller {
  const call = (async (method: string, path: string, body?: unknown) => {
    const res = await fetch(server.url + path, {
      method,
      headers: { ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }) as Caller;
  call.headers = headers;
  return call;
}

/** Signs an agent in to the inbox and answers a caller holding its session cookie (and the CSRF header). */
export async function signedIn(server: ParleyNode, email: string, password: string): Promise<Caller> {
  const res = await fetch(`${server.url}/v1/inbox/session`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-parley-csrf": "1" },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`sign-in of ${email} answered ${res.status}`);
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
  return callerWith(server, { cookie, "x-parley-csrf": "1" });
}

/** Creates an agent with this role (through the admin token) and signs it in. */
export async function agentWithRole(
  server: ParleyNode,
  role: "owner" | "admin" | "agent",
): Promise<{ id: string; email: string; password: string; call: Caller }> {
  const email = `${role}-${crypto.randomBytes(4).toString("hex")}@example.com`;
  const password = `pw-${crypto.randomBytes(8).toString("hex")}`;
  const created = await server.api("POST", "/v1/agents", { name: `A ${role}`, email, password, role });
  if (created.status !== 201) throw new Error(`creating a ${role} answered ${created.status}`);
  return { id: created.body.id, email, password, call: await signedIn(server, email, password) };
}

/** An inbox socket (`/agent`) of the session holding `cookie`, once connected; refused: rejects. */
export function agentSocket(url: string, cookie: string): Promise<Socket> {
  const socket = io(`${url}/agent`, {
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
    extraHeaders: { cookie },
  });
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (err) => {
      socket.disconnect();
      reject(err);
    });
  });
}
