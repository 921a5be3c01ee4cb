// A throwaway PostgreSQL cluster for the benchmark (initdb into a temp dir, postgres on 127.0.0.1 and a
// free port, stopped by PID), from the Debian `postgresql` server binaries (MZKU_PG_BIN elsewhere).
// Runs as the `postgres` user when started as root (initdb refuses root).
import { execFileSync, spawn } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@mzku/sdk/devnet";
import pg from "pg";

function binDir() {
  if (process.env.MZKU_PG_BIN) return process.env.MZKU_PG_BIN;
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, "bin", "initdb"))) : [];
  const version = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!version) throw new Error("PostgreSQL server binaries not found: install the Debian package `postgresql`");
  return join(root, version, "bin");
}

export async function startPostgres() {
  const bin = binDir();
  const user =
    process.getuid?.() === 0
      ? {
          uid: Number(execFileSync("id", ["-u", "postgres"]).toString()),
          gid: Number(execFileSync("id", ["-g", "postgres"]).toString()),
        }
      : {};
  const dir = mkdtempSync(join(tmpdir(), "mzku-bench-pg-"));
  if (user.uid !== undefined) chownSync(dir, user.uid, user.gid);
  const data = join(dir, "data");
  execFileSync(join(bin, "initdb"), ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"], {
    stdio: "ignore",
    ...user,
  });
  const port = await freePort();
  const child = spawn(
    join(bin, "postgres"),
    ["-D", data, "-h", "127.0.0.1", "-p", String(port), "-k", dir, "-c", "fsync=off", "-c", "synchronous_commit=off"],
    { stdio: "ignore", ...user },
  );
  const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
  for (let i = 0; ; i++) {
    const client = new pg.Client({ connectionString: admin });
    try {
      await client.connect();
      await client.end();
      break;
    } catch {
      await client.end().catch(() => {});
      if (i > 200 || child.exitCode !== null) throw new Error("postgres did not start");
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    async createDatabase(name) {
      const client = new pg.Client({ connectionString: admin });
      await client.connect();
      await client.query(`CREATE DATABASE "${name}"`);
      await client.end();
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGINT");
        await new Promise((r) => child.once("exit", r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
