/**
 * E2E harness: interop keys split into shares (TEST-ONLY dealer), co-signer / combiner processes from
 * the built dist/, and a `lodestar dev` from e2e/lodestar. Every process is tracked by PID and killed by
 * PID; nothing is killed by name.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { secretKeyToPublicKey } from "../src/bls/bls.js";
import { scalarToBytes } from "../src/bls/bytes.js";
import { CURVE_ORDER } from "../src/bls/field.js";
import { freePort } from "../src/ports.js";
import { splitSecret, waitFor } from "../src/testing/index.js";

export { freePort, waitFor };

export const PKG = resolve(import.meta.dirname, "..");
export const REPO = resolve(PKG, "..", "..");
export const LODESTAR_BIN = join(REPO, "e2e", "lodestar", "node_modules", ".bin", "lodestar");
const SIGNER_BIN = join(PKG, "dist", "bin", "mzku-signer.js");
const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}`;

/** Interop validator secret key i (the consensus specs' interop mocked start). */
export function interopSecretKey(i: number): Uint8Array {
  const idx = Buffer.alloc(32);
  idx.writeUInt32LE(i, 0);
  const h = createHash("sha256").update(idx).digest();
  let v = 0n;
  for (let k = h.length - 1; k >= 0; k--) v = (v << 8n) | BigInt(h[k] ?? 0);
  return scalarToBytes(v % CURVE_ORDER);
}

export interface Proc {
  name: string;
  child: ChildProcess;
  pid: number;
  exited: Promise<number | null>;
}

const running = new Set<Proc>();

export function spawnTracked(
  name: string,
  cmd: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; log: string },
): Proc {
  const child = spawn(cmd, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid === undefined) throw new Error(`${name} did not start`);
  const out = createWriteStream(opts.log);
  child.stderr?.pipe(out);
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const p: Proc = { name, child, pid: child.pid, exited };
  running.add(p);
  void exited.then(() => running.delete(p));
  return p;
}

/** Kills by PID (SIGKILL unless told otherwise) and waits for the exit. */
export async function stop(p: Proc, signal: NodeJS.Signals = "SIGKILL"): Promise<void> {
  if (!running.has(p)) return;
  try {
    process.kill(p.pid, signal);
  } catch {
    return;
  }
  const t = setTimeout(() => {
    try {
      process.kill(p.pid, "SIGKILL");
    } catch {}
  }, 5000);
  await p.exited;
  clearTimeout(t);
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => stop(p, "SIGKILL")));
}

/** Waits for the `{"event":"listening",...}` line a signer prints on stdout. */
async function listening(p: Proc): Promise<{ url: string; port: number }> {
  const stdout = p.child.stdout;
  if (stdout === null) throw new Error("no stdout");
  const rl = createInterface({ input: stdout });
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`${p.name} did not start listening`)), 30_000);
    void p.exited.then((code) => rej(new Error(`${p.name} exited with ${code} before listening`)));
    rl.on("line", (line) => {
      try {
        const j = JSON.parse(line) as { event?: string; url: string; port: number };
        if (j.event === "listening") {
          clearTimeout(timer);
          res({ url: j.url, port: j.port });
        }
      } catch {}
    });
  });
}

export interface Cluster {
  dir: string;
  t: number;
  n: number;
  pubkeys: string[];
  cosigners: Array<{ index: number; proc: Proc; url: string; db: string }>;
  combiner: { proc: Proc; url: string; db: string; metricsPort: number };
}

/** Splits `validators` interop keys t-of-n, writes the share files and starts n co-signers + a combiner. */
export async function startCluster(dir: string, t: number, n: number, validators: number): Promise<Cluster> {
  mkdirSync(dir, { recursive: true });
  const perParty: Array<Array<Record<string, unknown>>> = Array.from({ length: n }, () => []);
  const validatorsCfg: Array<Record<string, unknown>> = [];
  const pubkeys: string[] = [];
  for (let i = 0; i < validators; i++) {
    const sk = interopSecretKey(i);
    const dealt = splitSecret(sk, t, n);
    const groupPublicKey = hex(dealt.groupPublicKey);
    if (groupPublicKey !== hex(secretKeyToPublicKey(sk))) throw new Error("dealer mismatch");
    pubkeys.push(groupPublicKey);
    const publicShares = Object.fromEntries(dealt.publicShares.map((p) => [String(p.index), hex(p.publicKey)]));
    validatorsCfg.push({ groupPublicKey, threshold: t, publicShares });
    for (const s of dealt.shares) {
      perParty[s.index - 1]?.push({
        version: 1,
        groupPublicKey,
        threshold: t,
        index: s.index,
        secretShare: hex(s.secret),
        publicShares,
      });
    }
  }
  // from here on the whole keys exist nowhere but in this test's memory; each process gets only shares
  const cosigners: Cluster["cosigners"] = [];
  await Promise.all(
    perParty.map(async (shares, k) => {
      const index = k + 1;
      const sharesFile = join(dir, `party-${index}.shares.json`);
      writeFileSync(sharesFile, JSON.stringify(shares), { mode: 0o600 });
      const db = join(dir, `party-${index}.sqlite`);
      const proc = spawnTracked(
        `cosigner-${index}`,
        process.execPath,
        [
          SIGNER_BIN,
          "signer",
          "start",
          "--role",
          "cosigner",
          "--preset",
          "minimal",
          "--shares",
          sharesFile,
          "--db",
          db,
          "--port",
          "0",
        ],
        { cwd: dir, log: join(dir, `party-${index}.log`) },
      );
      const { url } = await listening(proc);
      cosigners.push({ index, proc, url, db });
    }),
  );
  cosigners.sort((a, b) => a.index - b.index);
  const cfgFile = join(dir, "combiner.json");
  writeFileSync(
    cfgFile,
    JSON.stringify({
      validators: validatorsCfg,
      cosigners: cosigners.map((c) => ({ index: c.index, url: c.url })),
      timeoutMs: 1500,
    }),
  );
  const db = join(dir, "combiner.sqlite");
  const metricsPort = await freePort();
  const proc = spawnTracked(
    "combiner",
    process.execPath,
    [
      SIGNER_BIN,
      "signer",
      "start",
      "--role",
      "combiner",
      "--preset",
      "minimal",
      "--config",
      cfgFile,
      "--db",
      db,
      "--port",
      "0",
      "--metrics-port",
      String(metricsPort),
    ],
    { cwd: dir, log: join(dir, "combiner.log") },
  );
  const { url } = await listening(proc);
  return { dir, t, n, pubkeys, cosigners, combiner: { proc, url, db, metricsPort } };
}

export interface Lodestar {
  proc: Proc;
  rest: string;
}

/**
 * `lodestar dev`: minimal preset, 1 s slots, Altair at 0, validators 0..validators-1 signing through
 * `signerUrl` (undefined: with their interop keys inside Lodestar). `genesisValidators` (default `validators`) may put more keys in the genesis state than
 * are run; `params` sets further chain config values (`--params.<NAME> <value>`).
 */
export async function startLodestar(
  dir: string,
  validators: number,
  signerUrl: string | undefined,
  options: { genesisValidators?: number; params?: Record<string, string> } = {},
): Promise<Lodestar> {
  const restPort = await freePort();
  const p2pPort = await freePort();
  const rest = `http://127.0.0.1:${restPort}`;
  const args = [
    "dev",
    "--genesisValidators",
    String(options.genesisValidators ?? validators),
    "--startValidators",
    `0..${validators - 1}`,
    ...(signerUrl === undefined ? [] : ["--externalSigner.url", signerUrl, "--externalSigner.fetch"]),
    "--params.SECONDS_PER_SLOT",
    "1",
    "--params.ALTAIR_FORK_EPOCH",
    "0",
    "--dataDir",
    join(dir, "lodestar"),
    "--reset",
    "--rest.address",
    "127.0.0.1",
    "--rest.port",
    String(restPort),
    "--server",
    rest,
    "--listenAddress",
    "127.0.0.1",
    "--port",
    String(p2pPort),
    "--discv5",
    "false",
    "--enr.ip",
    "127.0.0.1",
    "--logLevel",
    "info",
    ...Object.entries(options.params ?? {}).flatMap(([name, value]) => [`--params.${name}`, value]),
  ];
  const proc = spawnTracked("lodestar", process.execPath, [LODESTAR_BIN, ...args], {
    cwd: dir,
    env: { LODESTAR_PRESET: "minimal" },
    log: join(dir, "lodestar.log"),
  });
  proc.child.stdout?.pipe(createWriteStream(join(dir, "lodestar.out.log")));
  return { proc, rest };
}

export async function getJson<T>(url: string): Promise<T | undefined> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
    return r.ok ? ((await r.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}

export async function finalizedEpoch(rest: string): Promise<number> {
  const j = await getJson<{ data: { finalized: { epoch: string } } }>(
    `${rest}/eth/v1/beacon/states/head/finality_checkpoints`,
  );
  return j === undefined ? -1 : Number(j.data.finalized.epoch);
}

export async function headSlot(rest: string): Promise<number> {
  const j = await getJson<{ data: { header: { message: { slot: string } } } }>(`${rest}/eth/v1/beacon/headers/head`);
  return j === undefined ? -1 : Number(j.data.header.message.slot);
}
