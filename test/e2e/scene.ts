import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect } from "vitest";
import type { Browser, BrowserContextOptions, Page } from "playwright-core";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import {
  buildFrontEnd,
  ensureBuilt,
  launchChromium,
  startHostSite,
  watchErrors,
  type HostSite,
} from "./widget-harness.ts";
import { signIn } from "./inbox-sign-in.ts";

/** Waits for a value the page reaches by itself (a live update, a render). */
export const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 50 });

/** Where a test's screenshots go for a person to look at: PARLEY_SCREENSHOTS, else a temp folder. */
export function screenshots(name: string): string {
  const dir = process.env.PARLEY_SCREENSHOTS ?? path.join(os.tmpdir(), `parley-${name}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** A relay, a host page serving the widget, and Chromium. */
export interface Stage {
  server: TestServer;
  host: HostSite;
  browser: Browser;
}

/** The stage and a visitor's and an agent's page in contexts of their own. */
export interface Scene extends Stage {
  /** The visitor's page on the host site (not navigated yet). */
  visitor: Page;
  /** The agent's page: signed in to the inbox as the admin when `signIn` was asked for. */
  agent: Page;
  /** Console errors and uncaught exceptions of the visitor's page. */
  errors: string[];
}

export interface StageOptions {
  /** The relay's environment; a function when it depends on something another hook started. */
  env?: Record<string, string> | (() => Record<string, string>);
  /** Builds the front end into a folder of this file's own (else the shared build is used). */
  ownBuild?: boolean;
  /** Runs against the started server before the pages open (site settings, seed data). */
  prepare?: (server: TestServer) => Promise<void>;
}

export interface SceneOptions extends StageOptions {
  /** Signs the agent in as the admin before the tests. */
  signIn?: boolean;
  visitorContext?: BrowserContextOptions;
  agentViewport?: { width: number; height: number };
}

/**
 * Starts the stage before the file's tests and closes all of it after them. The returned object
 * is filled in by `beforeAll`: read its fields inside hooks and tests only.
 */
export function useStage(o: StageOptions = {}): Stage {
  const s = {} as Stage;
  let publicDir: string | undefined;
  beforeAll(async () => {
    if (o.ownBuild) publicDir = buildFrontEnd();
    else ensureBuilt();
    const env = typeof o.env === "function" ? o.env() : o.env;
    s.server = await startTestServer({ env, publicDir });
    await o.prepare?.(s.server);
    s.host = await startHostSite(s.server.url);
    s.browser = await launchChromium();
  });
  afterAll(async () => {
    await s.browser?.close();
    await s.host?.close();
    await s.server?.close();
    if (publicDir) fs.rmSync(publicDir, { recursive: true, force: true });
  });
  return s;
}

/** The stage with the visitor's and the agent's pages open (see `useStage`). */
export function useScene(o: SceneOptions = {}): Scene {
  const s = useStage(o) as Scene;
  beforeAll(async () => {
    const visitorContext = { viewport: { width: 1000, height: 760 }, ...o.visitorContext };
    s.visitor = await (await s.browser.newContext(visitorContext)).newPage();
    const agentViewport = o.agentViewport ?? { width: 1300, height: 900 };
    s.agent = await (await s.browser.newContext({ viewport: agentViewport })).newPage();
    s.errors = watchErrors(s.visitor);
    if (o.signIn) await signInAdmin(s);
  });
  return s;
}

/** Signs the scene's agent page in to the inbox as the admin. */
export function signInAdmin(s: Scene): Promise<void> {
  return signIn(s.agent, s.server.url, "admin@localhost", s.server.adminPassword);
}
