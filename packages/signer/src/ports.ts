/**
 * `@mzku/signer/ports` — free TCP ports on 127.0.0.1, the one helper every package uses to start a
 * server for a test, a bench or a devnet (the sdk re-exports it from `@mzku/sdk/devnet`). It lives in
 * the signer, the lowest package that runs servers, so the signer's own tests use it too; it imports
 * nothing but `node:net`, so importing it loads no BLS code.
 */
import { createServer, type Server } from "node:net";

/** `k` distinct free TCP ports on 127.0.0.1 (all held open together, then released). */
export async function freePorts(k: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: k },
      () =>
        new Promise<Server>((resolve, reject) => {
          const s = createServer();
          s.once("error", reject);
          s.listen(0, "127.0.0.1", () => resolve(s));
        }),
    ),
  );
  const ports = servers.map((s) => (s.address() as { port: number }).port);
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  return ports;
}

/** One free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  if (port === undefined) throw new Error("no free port");
  return port;
}
