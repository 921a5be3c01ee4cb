import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "@mzku/log";
import { contractsDir, devAccount, freePort, freePorts, stopProcess } from "@mzku/sdk/devnet";
import { DEVNET_ACCOUNTS } from "./cli/accounts.js";
import { CliError } from "./cli/errors.js";

// `mzku devnet --validators N`: a Lodestar consensus chain whose validators sign only through threshold
// shares. Every part is its own process, started here and stopped here by PID: a 2-of-3 DKG
// (`mzku keys dkg` per party, which also threshold-signs each key's deposit), three co-signers holding
// the shares and a combiner serving the Web3Signer API (`mzku signer start`), a Lodestar beacon node
// (`lodestar dev` without validators: one node, no peers, minimal preset, 2 s slots, Altair from genesis)
// whose genesis state holds exactly the DKG's keys (built by Lodestar's genesis code from the DKG's
// deposit data: bin/lodestarGenesis.ts), and a Lodestar validator client whose only signer is the combiner.

/** Co-signers (DKG parties) and the threshold of the devnet's validator keys. */
export const COSIGNERS = 3;
export const THRESHOLD = 2;
/** The consensus chain's slot length: 2 s keeps 4 validators' ~20 signatures a slot sane on a busy machine. */
export const SECONDS_PER_SLOT = 2;
/** Chain config the beacon node, the validator client and the genesis builder share (minimal preset). */
const CHAIN_PARAMS = { SECONDS_PER_SLOT: String(SECONDS_PER_SLOT), ALTAIR_FORK_EPOCH: "0" };
/** Lodestar may take seconds to shut down on SIGTERM; then it is killed. */
const LODESTAR_GRACE_MS = 8_000;
/**
 * From building the genesis state to genesis: the builder, the beacon node's start until its REST API
 * answers, then the validator client's start fit (measured at load 15 on 2 cores: 1.2 + 4.4 + ~3 s).
 * Lodestar 1.5.1 also serves duties while its head is at most an epoch (8 slots, 16 s) behind the
 * clock, so a machine about three times slower than that still starts the chain. It was 30 s while
 * the validator client started beside the beacon node: it found no API, and Lodestar's validator
 * client retries for the genesis only every ~12 s.
 */
const GENESIS_DELAY_SECONDS = 15;
/** The minimal preset's GENESIS_FORK_VERSION: the deposits are signed for it. */
const GENESIS_FORK_VERSION = "0x00000001";
/** The validators' 0x01 withdrawal address: the devnet's treasury account. */
const WITHDRAWAL_ACCOUNT = DEVNET_ACCOUNTS.treasury ?? 19;

const MZKU_BIN = fileURLToPath(new URL("./bin/mzku.js", import.meta.url));
const GENESIS_BIN = fileURLToPath(new URL("./bin/lodestarGenesis.js", import.meta.url));

export interface DevnetValidators {
  count: number;
  threshold: number;
  cosigners: { index: number; url: string }[];
  pubkeys: string[];
  beaconUrl: string;
  beaconMetricsUrl: string;
  signerUrl: string;
  signerMetricsUrl: string;
  validatorMetricsUrl: string;
  secondsPerSlot: number;
  /** Logs of every process (`<name>.log`) and the chain's data, removed on stop. */
  dataDir: string;
  processes: { name: string; pid: number }[];
}

/** What the devnet waits for before it says ready: the chain advancing with blocks our signer signed. */
export interface ChainProgress {
  headSlot: number;
  /** Blocks seen at the head after genesis, each proposed by a DKG key. */
  blocksSeen: number;
  headProposer: string;
  headAttestations: number;
  signed: { blocks: number; attestations: number };
}

/** Where Lodestar is installed (the repository's test-only install, or MZKU_LODESTAR_DIR). */
export function lodestarDir(): string {
  return process.env.MZKU_LODESTAR_DIR ?? resolve(contractsDir(), "..", "e2e", "lodestar");
}

/** Lodestar's CLI entry, or a clear refusal saying how to install it (before the devnet starts anything). */
export function requireLodestar(): string {
  const dir = lodestarDir();
  const bin = join(dir, "node_modules", "@chainsafe", "lodestar", "lib", "index.js");
  if (!existsSync(bin))
    throw new CliError(
      "LODESTAR_MISSING",
      `--validators needs Lodestar, not installed in ${dir}: run npm ci --prefix ${dir} (about a minute), then retry`,
    );
  return bin;
}

export async function startValidators(opts: {
  count: number;
  beaconPort: number;
  signerPort: number;
  log: Logger;
}): Promise<{
  info: DevnetValidators;
  ready: (timeoutMs: number) => Promise<ChainProgress>;
  stop: () => Promise<void>;
}> {
  const { count, log } = opts;
  const lodestar = requireLodestar();
  const dir = mkdtempSync(join(tmpdir(), "mzku-devnet-validators-"));
  const children: { name: string; child: ChildProcess; graceMs: number }[] = [];
  let stopping = false;
  const stop = async () => {
    stopping = true;
    // the validator client first (nothing then asks a stopped signer to sign), then the rest together
    const halt = (c: (typeof children)[number]) => stopProcess(c.child, c.graceMs).catch(() => undefined);
    await Promise.all(children.filter((c) => c.name === "validator").map(halt));
    await Promise.all(children.map(halt));
    rmSync(dir, { recursive: true, force: true });
  };
  const run = (name: string, script: string, args: string[], env: NodeJS.ProcessEnv = {}, graceMs = 3_000) => {
    const out = openSync(join(dir, `${name}.log`), "a");
    const child = spawn(process.execPath, [script, ...args], {
      cwd: dir,
      stdio: ["ignore", out, out],
      env: { ...process.env, ...env },
    });
    closeSync(out);
    children.push({ name, child, graceMs });
    child.once("exit", (code, signal) => {
      if (!stopping && name !== "genesis" && !name.startsWith("dkg"))
        log.warn("A validator-chain process exited", { name, code, signal, log: join(dir, `${name}.log`) });
    });
    return child;
  };
  // Lodestar's own processes (genesis builder, beacon node, validator client) load the minimal preset;
  // the signers choose theirs with `--preset minimal`
  const minimal = { LODESTAR_PRESET: "minimal" };
  try {
    // 1. DKG: each party its own `mzku keys dkg` process; no process ever holds a whole key
    log.info("Validator keys: 2-of-3 DKG", { validators: count });
    const { generateIdentity, parseDefinition, DKG_VERSION, toHex } = await import("@mzku/signer");
    const identities = Array.from({ length: COSIGNERS }, () => generateIdentity());
    const dkgPorts = await freePorts(identities.length); // distinct: held open together
    const definition = parseDefinition({
      version: DKG_VERSION,
      name: "mzku-devnet-validators",
      nonce: toHex(randomBytes(16)),
      threshold: THRESHOLD,
      validators: count,
      parties: identities.map((id, k) => ({
        index: k + 1,
        identity: id.publicKey,
        url: `http://127.0.0.1:${dkgPorts[k]}`,
      })),
    });
    const password = join(dir, "password");
    writeFileSync(password, randomBytes(16).toString("hex"), { mode: 0o600 });
    writeFileSync(join(dir, "dkg-definition.json"), JSON.stringify(definition));
    const withdrawal = devAccount(WITHDRAWAL_ACCOUNT).address;
    await Promise.all(
      identities.map((id, k) => {
        const index = k + 1;
        writeFileSync(join(dir, `identity-${index}.json`), JSON.stringify(id), { mode: 0o600 });
        const party = run(`dkg-${index}`, MZKU_BIN, [
          "keys",
          "dkg",
          "--definition",
          join(dir, "dkg-definition.json"),
          "--identity",
          join(dir, `identity-${index}.json`),
          "--index",
          String(index),
          "--out",
          join(dir, `party-${index}`),
          "--password-file",
          password,
          "--withdrawal-address",
          withdrawal,
          "--fork-version",
          GENESIS_FORK_VERSION,
          "--kdf",
          "pbkdf2",
        ]);
        return exited(party, `DKG party ${index}`, join(dir, `dkg-${index}.log`), 120_000);
      }),
    );
    type DkgOutput = { threshold: number; validators: { groupPublicKey: string; publicShares: string[] }[] };
    const output = JSON.parse(readFileSync(join(dir, "party-1", "dkg-output.json"), "utf8")) as DkgOutput;
    const pubkeys = output.validators.map((v) => v.groupPublicKey.toLowerCase());

    // 2. co-signers (each its shares from its DKG output) and the combiner (Web3Signer API)
    const cosigners = await Promise.all(
      identities.map(async (_, k) => {
        const index = k + 1;
        const port = await freePort();
        const name = `cosigner-${index}`;
        run(name, MZKU_BIN, [
          ...["signer", "start", "--role", "cosigner", "--preset", "minimal", "--dkg-dir", join(dir, `party-${index}`)],
          ...["--password-file", password, "--db", join(dir, `${name}.sqlite`), "--port", String(port)],
        ]);
        return { index, url: `http://127.0.0.1:${port}` };
      }),
    );
    writeFileSync(
      join(dir, "combiner.json"),
      JSON.stringify({
        validators: output.validators.map((v) => ({
          groupPublicKey: v.groupPublicKey,
          threshold: output.threshold,
          publicShares: Object.fromEntries(v.publicShares.map((pk, i) => [String(i + 1), pk])),
        })),
        cosigners,
        timeoutMs: 1500,
      }),
    );
    const signerUrl = `http://127.0.0.1:${opts.signerPort}`;
    const signerMetricsPort = await freePort();
    run("combiner", MZKU_BIN, [
      ...["signer", "start", "--role", "combiner", "--preset", "minimal", "--config", join(dir, "combiner.json")],
      ...["--db", join(dir, "combiner.sqlite"), "--port", String(opts.signerPort)],
      ...["--metrics-port", String(signerMetricsPort)],
    ]);
    for (const c of [
      ...cosigners.map((c) => ({ ...c, name: `cosigner-${c.index}` })),
      { name: "combiner", url: signerUrl },
    ])
      await upcheck(`${c.url}/upcheck`, c.name, children, dir);
    log.info("Threshold signer up", { signerUrl, cosigners: cosigners.map((c) => c.url) });

    // 3. genesis with exactly the DKG's keys, then the beacon node, and once its REST API answers the
    // validator client (GENESIS_DELAY_SECONDS: both must be up by then, or within the epoch after)
    const genesisTime = Math.floor(Date.now() / 1000) + GENESIS_DELAY_SECONDS;
    writeFileSync(join(dir, "chain-config.json"), JSON.stringify({ SECONDS_PER_SLOT, ALTAIR_FORK_EPOCH: 0 }));
    const genesis = run(
      "genesis",
      GENESIS_BIN,
      [
        lodestarDir(),
        join(dir, "party-1", "deposit-data.json"),
        join(dir, "genesis.ssz"),
        String(genesisTime),
        join(dir, "chain-config.json"),
      ],
      minimal,
    );
    await exited(genesis, "the genesis builder", join(dir, "genesis.log"), 60_000);
    const inGenesis = Number(readFileSync(join(dir, "genesis.log"), "utf8").trim().split("\n").at(-1));
    if (inGenesis !== count)
      throw new CliError("VALIDATORS_FAILED", `genesis holds ${inGenesis} validators, not the DKG's ${count}`);
    const params = Object.entries(CHAIN_PARAMS).flatMap(([k, v]) => [`--params.${k}`, v]);
    const beaconUrl = `http://127.0.0.1:${opts.beaconPort}`;
    const [p2pPort, beaconMetricsPort, validatorMetricsPort] = [await freePort(), await freePort(), await freePort()];
    const metrics = (port: number) => ["--metrics", "--metrics.address", "127.0.0.1", "--metrics.port", String(port)];
    run(
      "beacon",
      lodestar,
      [
        ...["dev", "--genesisStateFile", join(dir, "genesis.ssz"), ...params, "--dataDir", join(dir, "beacon")],
        ...["--rest.address", "127.0.0.1", "--rest.port", String(opts.beaconPort)],
        ...["--listenAddress", "127.0.0.1", "--port", String(p2pPort), "--discv5", "false", "--enr.ip", "127.0.0.1"],
        ...metrics(beaconMetricsPort),
      ],
      minimal,
      LODESTAR_GRACE_MS,
    );
    await upcheck(`${beaconUrl}/eth/v1/node/version`, "beacon", children, dir);
    run(
      "validator",
      lodestar,
      [
        ...["validator", "--network", "dev", ...params, "--server", beaconUrl, "--dataDir", join(dir, "validator")],
        ...["--externalSigner.url", signerUrl, "--externalSigner.fetch", "--graffiti", "mzku-devnet"],
        ...metrics(validatorMetricsPort),
      ],
      minimal,
      LODESTAR_GRACE_MS,
    );
    log.info("Lodestar beacon node and validator client started", { beaconUrl, genesisTime });
    const info: DevnetValidators = {
      count,
      threshold: output.threshold,
      cosigners,
      pubkeys,
      beaconUrl,
      beaconMetricsUrl: `http://127.0.0.1:${beaconMetricsPort}/metrics`,
      signerUrl,
      signerMetricsUrl: `http://127.0.0.1:${signerMetricsPort}/metrics`,
      validatorMetricsUrl: `http://127.0.0.1:${validatorMetricsPort}/metrics`,
      secondsPerSlot: SECONDS_PER_SLOT,
      dataDir: dir,
      processes: children
        .filter((c) => c.child.exitCode === null)
        .map((c) => ({ name: c.name, pid: c.child.pid ?? -1 })),
    };
    return { info, ready: (timeoutMs) => chainProgress(info, children, timeoutMs), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Waits for a one-shot process (a DKG party, the genesis builder) to exit 0. */
async function exited(child: ChildProcess, what: string, logFile: string, timeoutMs: number): Promise<void> {
  const code = await new Promise<number | null>((resolveExit, reject) => {
    if (child.exitCode !== null) return resolveExit(child.exitCode);
    const timer = setTimeout(
      () =>
        reject(
          new CliError("VALIDATORS_FAILED", `${what} did not finish within ${timeoutMs / 1000} s (log: ${logFile})`),
        ),
      timeoutMs,
    );
    child.once("exit", (c) => {
      clearTimeout(timer);
      resolveExit(c);
    });
  });
  if (code !== 0) throw new CliError("VALIDATORS_FAILED", `${what} exited with ${code} (log: ${logFile})`);
}

type Child = { name: string; child: ChildProcess };

function died(children: Child[], dir: string): void {
  const dead = children.find((c) => c.child.exitCode !== null && c.name !== "genesis" && !c.name.startsWith("dkg"));
  if (dead)
    throw new CliError(
      "VALIDATORS_FAILED",
      `${dead.name} exited with ${dead.child.exitCode} (log: ${join(dir, `${dead.name}.log`)})`,
    );
}

/** Waits for `url` to answer 2xx (a signer's `/upcheck`, the beacon node's REST API), or for a process to die. */
async function upcheck(url: string, name: string, children: Child[], dir: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    died(children, dir);
    const ok = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new CliError(
    "VALIDATORS_FAILED",
    `${name} did not answer at ${url} within 60 s (log: ${join(dir, `${name}.log`)})`,
  );
}

async function getJson<T>(url: string): Promise<T | undefined> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return r.ok ? ((await r.json()) as T) : undefined;
  } catch {
    return undefined;
  }
}

/** The combiner's successful signatures of one type (its `signer_sign_requests_total`). */
export async function signedCount(signerMetricsUrl: string, type: string): Promise<number> {
  const text = await fetch(signerMetricsUrl, { signal: AbortSignal.timeout(2_000) }).then(
    (r) => r.text(),
    () => "",
  );
  return text
    .split("\n")
    .filter(
      (l) => l.startsWith("signer_sign_requests_total{") && l.includes(`type="${type}"`) && l.includes('outcome="ok"'),
    )
    .reduce((sum, l) => sum + Number(l.split(" ").pop()), 0);
}

/**
 * Resolves once the Beacon API shows the chain advancing through our signer: two head blocks after
 * genesis proposed by DKG keys, the latest carrying attestations, and the combiner counting the block
 * and attestation signatures it made.
 */
async function chainProgress(info: DevnetValidators, children: Child[], timeoutMs: number): Promise<ChainProgress> {
  const deadline = Date.now() + timeoutMs;
  const seen = new Set<string>();
  const ours = new Set(info.pubkeys);
  const b = info.beaconUrl;
  while (Date.now() < deadline) {
    died(children, info.dataDir);
    type Header = { data: { root: string; header: { message: { slot: string; proposer_index: string } } } };
    const head = await getJson<Header>(`${b}/eth/v1/beacon/headers/head`);
    const slot = Number(head?.data.header.message.slot ?? 0);
    const sync = await getJson<{ data: { head_slot: string; sync_distance: string } }>(`${b}/eth/v1/node/syncing`);
    if (sync && Number(sync.data.head_slot) === 0 && Number(sync.data.sync_distance) > 8)
      throw new CliError(
        "VALIDATORS_NOT_READY",
        `Lodestar's validator client missed the chain's first epoch (the machine is too busy?): no block after genesis (logs: ${info.dataDir})`,
      );
    if (head && slot > 0) {
      const index = head.data.header.message.proposer_index;
      const v = await getJson<{ data: { validator: { pubkey: string } } }>(
        `${b}/eth/v1/beacon/states/head/validators/${index}`,
      );
      const proposer = v?.data.validator.pubkey.toLowerCase() ?? "";
      if (ours.has(proposer)) seen.add(head.data.root);
      const block = await getJson<{ data: { message: { body: { attestations: unknown[] } } } }>(
        `${b}/eth/v2/beacon/blocks/${head.data.root}`,
      );
      const attestations = block?.data.message.body.attestations.length ?? 0;
      const signed = {
        blocks: await signedCount(info.signerMetricsUrl, "BLOCK_V2"),
        attestations: await signedCount(info.signerMetricsUrl, "ATTESTATION"),
      };
      if (seen.size >= 2 && attestations > 0 && signed.blocks > 0 && signed.attestations > 0)
        return {
          headSlot: slot,
          blocksSeen: seen.size,
          headProposer: proposer,
          headAttestations: attestations,
          signed,
        };
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new CliError(
    "VALIDATORS_NOT_READY",
    `the consensus chain did not advance through the threshold signer within ${timeoutMs / 1000} s (logs: ${info.dataDir})`,
  );
}
