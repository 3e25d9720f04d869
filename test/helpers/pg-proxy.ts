import net from "node:net";
import { freshDatabaseUrl, startTestServer, type TestServer } from "./server.ts";
import { services } from "./services.ts";

export type PgProxy = Awaited<ReturnType<typeof pgProxy>>;

/** A TCP proxy to PostgreSQL that can be cut (every connection dropped, new ones refused) and restored. */
export async function pgProxy(target: URL) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => {});
      s.on("close", () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    cut: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
    restore: () => new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        if (server.listening) server.close(() => resolve());
        else resolve();
      }),
  };
}

/**
 * A test server on a fresh PostgreSQL database reached through a pgProxy, for outage tests: `cleanup`
 * (run last-in first-out) restores the database before the server shuts down, so that the server's
 * own shutdown is not what is tested, then drops the proxy and the database.
 */
export async function serverBehindPgProxy(
  cleanup: (() => Promise<void> | void)[],
): Promise<{ server: TestServer; proxy: PgProxy }> {
  const fresh = await freshDatabaseUrl("postgres");
  cleanup.push(() => fresh.drop());
  const proxy = await pgProxy(new URL(services.postgresUrl!));
  cleanup.push(() => proxy.close());
  const url = new URL(fresh.url);
  url.hostname = "127.0.0.1";
  url.port = String(proxy.port);
  const server = await startTestServer({ databaseUrl: url.toString() });
  cleanup.push(async () => {
    await proxy.restore().catch(() => {});
    await server.close();
  });
  return { server, proxy };
}
