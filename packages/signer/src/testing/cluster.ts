/**
 * Test-only: a threshold signer as separate processes — a combiner and its co-signers, each the built
 * `mzku-signer signer start` bin on 127.0.0.1 with port 0 and its own slashing database — for a given
 * `--network`. Keys come from the test-only dealer (2-of-3 by default); party `keyManagerParty` is
 * started with no share at all, only the public validator set and a keystore directory, so that its
 * share arrives through the key manager API. Every process is stopped by the PID this module started.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DealtKey, randomSecretKey, splitSecret } from "./dealer.js";

export const PKG = join(import.meta.dirname, "../..");
export const BIN = join(PKG, "dist/bin/mzku-signer.js");
const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}`;

/** The processes run the built bin; vitest's global setup (test-setup/build.ts) builds it once. */
export function buildSigner(): void {
  if (!existsSync(BIN)) throw new Error("dist/bin/mzku-signer.js missing: build the package first");
}

export interface SignerProcess {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  stderr(): string;
}

function start(name: string, args: string[], dir: string): Promise<SignerProcess> {
  const child = spawn(process.execPath, [BIN, "signer", "start", ...args], {
    cwd: dir,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stderr?.on("data", (d) => {
    err += d;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${err.slice(-500)}`)), 20_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited ${code}: ${err.slice(-500)}`));
    });
    child.stdout?.on("data", (d) => {
      out += d;
      const line = out.split("\n").find((l) => l.includes('"listening"'));
      if (line !== undefined) {
        clearTimeout(timer);
        child.removeAllListeners("exit");
        resolve({ name, url: (JSON.parse(line) as { url: string }).url, child, stderr: () => err });
      }
    });
  });
}

export interface Cluster {
  readonly dir: string;
  /** The validators served (the first is `pubkey`). */
  readonly dealt: readonly DealtKey[];
  readonly pubkeys: readonly string[];
  readonly pubkey: string;
  readonly combiner: SignerProcess;
  /** Co-signers by party index (1..n). */
  readonly cosigners: Map<number, SignerProcess>;
  /** The party started without a share (its share is `shareKeystoreInput`). */
  readonly keyManagerParty: number;
  stopParty(index: number): void;
  /** Starts a stopped co-signer again with the same options and database (its URL may change: not re-wired). */
  restartParty(index: number): Promise<SignerProcess>;
  stop(): void;
}

export async function startCluster(opts: {
  network: string;
  t?: number;
  n?: number;
  /** How many validators (1 by default). */
  keys?: number;
  /** The chain every process is bound to (`--genesis-validators-root`). */
  genesisValidatorsRoot?: string;
}): Promise<Cluster> {
  const t = opts.t ?? 2;
  const n = opts.n ?? 3;
  const dir = mkdtempSync(join(tmpdir(), `mzku-conformance-${opts.network}-`));
  const dealt = Array.from({ length: opts.keys ?? 1 }, () => splitSecret(randomSecretKey(), t, n));
  const pubkeys = dealt.map((d) => hex(d.groupPublicKey));
  const publicSharesOf = (d: DealtKey) =>
    Object.fromEntries(d.publicShares.map((p) => [String(p.index), hex(p.publicKey)]));
  const validators = dealt.map((d) => ({
    groupPublicKey: hex(d.groupPublicKey),
    threshold: t,
    publicShares: publicSharesOf(d),
  }));
  writeFileSync(join(dir, "validators.json"), JSON.stringify({ validators }));
  writeFileSync(join(dir, "password.txt"), "conformance password");
  const keyManagerParty = n;
  const procs: SignerProcess[] = [];
  const common = ["--network", opts.network, "--port", "0", "--log-level", "warn"];
  if (opts.genesisValidatorsRoot !== undefined) common.push("--genesis-validators-root", opts.genesisValidatorsRoot);
  try {
    const cosigners = new Map<number, SignerProcess>();
    const argsOf = new Map<number, string[]>();
    await Promise.all(
      Array.from({ length: n }, (_, k) => k + 1).map(async (index) => {
        const args = [...common, "--role", "cosigner", "--db", join(dir, `cosigner-${index}.sqlite`)];
        if (index === keyManagerParty) {
          mkdirSync(join(dir, "keystores"), { mode: 0o700 });
          args.push("--validators", join(dir, "validators.json"), "--keystores-dir", join(dir, "keystores"));
          args.push("--password-file", join(dir, "password.txt"));
        } else {
          const file = join(dir, `share-${index}.json`);
          const shares = dealt.map((d) => ({
            version: 1,
            groupPublicKey: hex(d.groupPublicKey),
            threshold: t,
            index,
            secretShare: hex(d.shares[index - 1]?.secret ?? new Uint8Array()),
            publicShares: publicSharesOf(d),
          }));
          writeFileSync(file, JSON.stringify(shares), { mode: 0o600 });
          args.push("--shares", file);
        }
        argsOf.set(index, args);
        const p = await start(`cosigner-${index}`, args, dir);
        procs.push(p);
        cosigners.set(index, p);
      }),
    );
    const config = {
      validators,
      cosigners: [...cosigners].map(([index, p]) => ({ index, url: p.url })),
      timeoutMs: 3000,
    };
    writeFileSync(join(dir, "combiner.json"), JSON.stringify(config));
    const combiner = await start(
      "combiner",
      [...common, "--role", "combiner", "--config", join(dir, "combiner.json"), "--db", join(dir, "combiner.sqlite")],
      dir,
    );
    procs.push(combiner);
    const kill = (p: SignerProcess) => {
      if (p.child.pid === undefined || p.child.exitCode !== null || p.child.signalCode !== null) return;
      try {
        process.kill(p.child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    };
    return {
      dir,
      dealt,
      pubkeys,
      pubkey: pubkeys[0] as string,
      combiner,
      cosigners,
      keyManagerParty,
      stopParty: (i) => {
        const p = cosigners.get(i);
        if (p !== undefined) kill(p);
      },
      restartParty: async (i) => {
        const p = await start(`cosigner-${i}`, argsOf.get(i) ?? [], dir);
        procs.push(p);
        cosigners.set(i, p);
        return p;
      },
      stop: () => {
        for (const p of procs) kill(p);
      },
    };
  } catch (e) {
    for (const p of procs) if (p.child.pid !== undefined) process.kill(p.child.pid, "SIGKILL");
    throw e;
  }
}
