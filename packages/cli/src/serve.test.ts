// `mzku serve`, and `mzku indexer start` + `mzku api start`, as the real processes a user runs, against
// anvil with the protocol deployed by the production deploy script: they follow the chain (a provider
// registered after start shows up), answer the API, and stop with exit code 0 on SIGTERM.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Deployment } from "@mzku/sdk";
import {
  type AnvilInstance,
  contractsDir,
  deployProtocol,
  devKey,
  devWallet,
  freePort,
  registerProvider,
  startAnvil,
} from "@mzku/sdk/devnet";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const bin = join(import.meta.dirname, "..", "dist", "bin", "mzku.js");
type Json = Record<string, unknown>;

let anvil: AnvilInstance;
let deployment: Deployment;
let deploymentFile: string;
let dir: string;
const children: ChildProcess[] = [];

function start(args: string[]): { child: ChildProcess; stderr: () => string } {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "ignore", "pipe"] });
  children.push(child);
  let err = "";
  child.stderr?.on("data", (c: Buffer) => {
    err += c.toString();
  });
  return { child, stderr: () => err };
}

async function getJson(url: string): Promise<Json | undefined> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return r.ok ? ((await r.json()) as Json) : undefined;
  } catch {
    return undefined;
  }
}

async function until(what: string, check: () => Promise<boolean>, child: ChildProcess, stderr: () => string) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited early (${child.exitCode}) waiting for ${what}: ${stderr()}`);
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}: ${stderr()}`);
}

async function sigterm(child: ChildProcess): Promise<number | null> {
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const [code] = await exited;
  return code as number | null;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "mzku-serve-"));
  anvil = await startAnvil();
  const name = `cli-serve-${anvil.port}`;
  deployment = await deployProtocol({ rpcUrl: anvil.rpcUrl, privateKey: devKey(0), name });
  deploymentFile = join(contractsDir(), "deployments", `${name}.json`);
}, 300_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await anvil?.stop();
  rmSync(deploymentFile, { force: true });
  rmSync(dir, { recursive: true, force: true });
});

const head = async () => Number(await devWallet(anvil.rpcUrl, 0).getBlockNumber());
const chainArgs = () => ["--rpc-url", anvil.rpcUrl, "--deployment", deploymentFile, "--confirmations", "2"];

describe("mzku serve / indexer start / api start as processes", () => {
  it("serve follows the chain, answers the API, and stops on SIGTERM", async () => {
    const port = await freePort();
    const api = `http://127.0.0.1:${port}`;
    const { child, stderr } = start([
      "serve",
      "--db",
      join(dir, "serve.sqlite"),
      ...chainArgs(),
      "--port",
      String(port),
    ]);
    await until(
      "the index to reach the head",
      async () => (await getJson(`${api}/health`))?.indexedBlock === (await head()),
      child,
      stderr,
    );
    const before = (await getJson(`${api}/providers`))?.items as Json[];
    expect(before).toEqual([]);
    // a provider registered while it runs shows up
    const id = await registerProvider(deployment, devWallet(anvil.rpcUrl, 9), { brandName: "Live" });
    await until(
      "the new provider",
      async () => ((await getJson(`${api}/providers`))?.items as Json[] | undefined)?.length === 1,
      child,
      stderr,
    );
    expect(await getJson(`${api}/providers/${id}`)).toMatchObject({ providerId: Number(id), brandName: "Live" });
    const metrics = await (await fetch(`${api}/metrics`)).text();
    expect(metrics).toMatch(/indexer_indexed_block \d+/);
    expect(await sigterm(child)).toBe(0);
    expect(stderr()).toContain('"message":"Stopping"');
  }, 180_000);

  it("indexer start and api start run apart over one database, and both stop on SIGTERM", async () => {
    const db = join(dir, "split.sqlite");
    const metricsPort = await freePort();
    const indexer = start(["indexer", "start", "--db", db, ...chainArgs(), "--metrics-port", String(metricsPort)]);
    await until(
      "the indexer's metrics",
      async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`).catch(() => undefined))?.ok === true,
      indexer.child,
      indexer.stderr,
    );
    const port = await freePort();
    const apiProc = start(["api", "start", "--db", db, "--port", String(port)]);
    const api = `http://127.0.0.1:${port}`;
    await until(
      "the API to see the head",
      async () => (await getJson(`${api}/health`))?.indexedBlock === (await head()),
      apiProc.child,
      apiProc.stderr,
    );
    expect((await getJson(`${api}/providers`))?.items).toHaveLength(1);
    expect(await sigterm(apiProc.child)).toBe(0);
    expect(await sigterm(indexer.child)).toBe(0);
  }, 180_000);
});
