/**
 * `mzku-signer signer ...` — thin CLI over the co-signer, the combiner and slashing protection.
 *
 *   signer start --role cosigner (--shares a.json[,b.json] | --dkg-dir D --password-file F) --db sp.sqlite
 *                [--validators public.json --keystores-dir D --password-file F] [common options]
 *     (--validators: the public validator set whose shares the key manager API may import; imported
 *      shares rest in --keystores-dir, encrypted under --password-file)
 *   signer start --role combiner --config combiner.json --db sp.sqlite [--timeout-ms 2000]
 *                [--verify each|optimistic] [common]
 *     common: --host 127.0.0.1 --port 9000 --token-file F --metrics-port N
 *             --network mainnet|sepolia|holesky|hoodi|devnet (preset and fork versions together), or for
 *             another chain --preset mainnet|minimal --genesis-fork-version 0x........;
 *             --genesis-validators-root 0x.. (the chain served: imports for another are refused)
 *             --tls-cert F --tls-key F --tls-ca F (mutual TLS: serve https, and the combiner's client certificate)
 *             --log-level info (default: MZKU_LOG_LEVEL, else info)
 *   signer import-interchange --db sp.sqlite --file interchange.json [--genesis-validators-root 0x..] [--json]
 *   signer export-interchange --db sp.sqlite [--out file] [--json]
 *   signer high-watermark --db sp.sqlite (--epoch E --slot S | --remove) [--json]
 *
 * `start` prints one JSON line on stdout once listening ({"event":"listening","url":...,"port":...});
 * the others print a line for people, or with --json one JSON document (as every `mzku` command);
 * export-interchange without --out prints the interchange itself. Logs are JSON lines on stderr. The preset (LODESTAR_PRESET) is fixed before the SSZ types load.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { cliFailure, UsageError } from "@mzku/errors";
import { getNetwork, isNetworkName, NETWORKS, type Network, networkByGenesisForkVersion } from "../signing/network.js";
import { cliProgram } from "./program.js";

/** Prints the usage error the way every command does and returns its exit code (2). */
/** The result of a command: one JSON document with --json (as every `mzku` command), else a line for people. */
function result(json: boolean | undefined, document: Record<string, unknown>, line: string): void {
  process.stdout.write(json ? `${JSON.stringify(document)}\n` : `${line}\n`);
}

function fail(message: string): number {
  const failure = cliFailure(cliProgram(), new UsageError("USAGE", message));
  process.stderr.write(failure.line);
  return failure.exitCode;
}

/** The chain a signer serves: preset, GENESIS_FORK_VERSION and, for a known network, its fork table. */
export interface ChainChoice {
  preset: "mainnet" | "minimal";
  genesisForkVersion: Uint8Array;
  network?: Network;
}

/**
 * `--network` sets the preset and the genesis fork version together; `--preset` and
 * `--genesis-fork-version` may repeat them but not contradict them. Without `--network`, the preset
 * (default mainnet, or LODESTAR_PRESET) and the genesis fork version (default the preset's:
 * 0x00000000 mainnet, 0x00000001 minimal) are taken as given, and a genesis fork version of a known
 * network of that preset selects that network. Returns a usage message on bad input.
 */
export function resolveChain(
  networkName: string | undefined,
  preset: string | undefined,
  genesis: string | undefined,
): ChainChoice | string {
  if (genesis !== undefined && !/^0x[0-9a-fA-F]{8}$/.test(genesis))
    return "--genesis-fork-version must be 0x + 4 bytes";
  const gfv = genesis === undefined ? undefined : new Uint8Array(Buffer.from(genesis.slice(2), "hex"));
  if (networkName !== undefined) {
    if (!isNetworkName(networkName)) return `--network must be one of ${NETWORKS.join(", ")}`;
    const network = getNetwork(networkName);
    if (preset !== undefined && preset !== network.preset) {
      return `--preset ${preset} contradicts --network ${networkName} (preset ${network.preset})`;
    }
    if (gfv !== undefined && !Buffer.from(gfv).equals(Buffer.from(network.genesisForkVersion))) {
      return `--genesis-fork-version ${genesis} contradicts --network ${networkName}`;
    }
    return { preset: network.preset, genesisForkVersion: network.genesisForkVersion, network };
  }
  const p = preset ?? process.env.LODESTAR_PRESET ?? "mainnet";
  if (p !== "mainnet" && p !== "minimal") return "--preset mainnet|minimal";
  const genesisForkVersion = gfv ?? new Uint8Array([0, 0, 0, p === "minimal" ? 1 : 0]);
  const network = networkByGenesisForkVersion(genesisForkVersion);
  return network !== undefined && network.preset === p
    ? { preset: p, genesisForkVersion, network }
    : { preset: p, genesisForkVersion };
}

/** `signer start`: runs a co-signer or a combiner until SIGINT/SIGTERM. */
export async function runSignerStart(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      role: { type: "string" },
      shares: { type: "string" },
      "dkg-dir": { type: "string" },
      "password-file": { type: "string" },
      validators: { type: "string" },
      "keystores-dir": { type: "string" },
      config: { type: "string" },
      db: { type: "string" },
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "9000" },
      "token-file": { type: "string" },
      "metrics-port": { type: "string" },
      network: { type: "string" },
      preset: { type: "string" },
      "genesis-fork-version": { type: "string" },
      "genesis-validators-root": { type: "string" },
      "tls-cert": { type: "string" },
      "tls-key": { type: "string" },
      "tls-ca": { type: "string" },
      json: { type: "boolean" }, // the listening line below is the JSON document either way
      "timeout-ms": { type: "string" },
      verify: { type: "string" },
      "log-level": { type: "string" },
    },
    strict: true,
  });
  if (values.role !== "cosigner" && values.role !== "combiner") return fail("--role cosigner|combiner is required");
  if (values.db === undefined) return fail("--db <sqlite file> is required");
  const chain = resolveChain(values.network, values.preset, values["genesis-fork-version"]);
  if (typeof chain === "string") return fail(chain);
  process.env.LODESTAR_PRESET = chain.preset;
  const params = await import("@lodestar/params");
  if (params.ACTIVE_PRESET !== chain.preset) {
    return fail(`preset ${chain.preset} requested but ${params.ACTIVE_PRESET} is already loaded`);
  }
  const { createLogger, resolveLogLevel } = await import("@mzku/log");
  const { startSignerServer } = await import("../api/server.js");
  const { createSignerMetrics, startMetricsServer } = await import("../metrics.js");
  const { SlashingProtectionDb } = await import("../slashing/db.js");
  const tlsFiles = [values["tls-cert"], values["tls-key"], values["tls-ca"]];
  if (tlsFiles.some((f) => f !== undefined) && tlsFiles.some((f) => f === undefined)) {
    return fail("--tls-cert, --tls-key and --tls-ca go together");
  }
  const tls =
    values["tls-cert"] === undefined
      ? undefined
      : {
          cert: readFileSync(values["tls-cert"]),
          key: readFileSync(values["tls-key"] as string),
          ca: readFileSync(values["tls-ca"] as string),
        };
  const level = resolveLogLevel({ flag: values["log-level"], env: process.env });
  const logger = createLogger({ component: `signer-${values.role}`, level });
  const metrics = createSignerMetrics();

  const gvr = values["genesis-validators-root"];
  if (gvr !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(gvr))
    return fail("--genesis-validators-root must be 0x + 32 bytes");
  // bound at open: a database of another chain refuses to start, and so does every import for another chain
  const slashing = new SlashingProtectionDb(values.db, gvr === undefined ? {} : { genesisValidatorsRoot: gvr });
  let backend: import("../service/backend.js").SignerBackend;
  let keyManager: import("../service/keymanager.js").KeyManager;
  if (values.role === "cosigner") {
    const { loadKeyShareFiles, parseKeyShare } = await import("../cosigner/shares.js");
    const { CoSigner } = await import("../cosigner/cosigner.js");
    const { CoSignerKeyManager, parseValidatorSet } = await import("../service/keymanager.js");
    const shares = values.shares === undefined ? [] : loadKeyShareFiles(values.shares.split(","));
    const password =
      values["password-file"] === undefined ? undefined : readFileSync(values["password-file"], "utf8").trim();
    if (values["dkg-dir"] !== undefined) {
      // EIP-2335 keystores written by `keys dkg` (decrypted off the main thread)
      if (password === undefined) return fail("--dkg-dir needs --password-file");
      const { loadDkgKeyShares } = await import("../dkg/output.js");
      for (const [i, s] of (await loadDkgKeyShares(values["dkg-dir"], password)).entries()) {
        shares.push(
          parseKeyShare({ ...s, secretShare: `0x${Buffer.from(s.secret).toString("hex")}` }, `dkg-dir share ${i}`),
        );
      }
    }
    if (values["keystores-dir"] !== undefined && (password === undefined || values.validators === undefined)) {
      return fail("--keystores-dir needs --validators and --password-file");
    }
    if (shares.length === 0 && values.validators === undefined) {
      return fail("a co-signer needs --shares <file>[,<file>], --dkg-dir <dir>, or --validators for the key manager");
    }
    const cosigner = new CoSigner(shares);
    const km = new CoSignerKeyManager({
      cosigner,
      validators:
        values.validators === undefined
          ? []
          : parseValidatorSet(JSON.parse(readFileSync(values.validators, "utf8")) as unknown),
      slashing,
      ...(values["keystores-dir"] === undefined || password === undefined
        ? {}
        : { store: { dir: values["keystores-dir"], password } }),
      readonlyKeys: new Set(shares.map((x) => x.groupPublicKey)),
      logger,
    });
    const loaded = await km.loadStore();
    if (loaded > 0) logger.info("Loaded imported key shares", { count: loaded });
    backend = cosigner;
    keyManager = km;
  } else {
    if (values.config === undefined) return fail("--config <combiner.json> is required for a combiner");
    const { loadCombinerConfig } = await import("../combiner/config.js");
    const { Combiner } = await import("../combiner/combiner.js");
    const { CombinerKeyManager } = await import("../service/keymanager.js");
    const cfg = loadCombinerConfig(values.config);
    const timeoutMs = values["timeout-ms"] === undefined ? cfg.timeoutMs : Number(values["timeout-ms"]);
    const verify = values.verify ?? cfg.verify;
    if (verify !== undefined && verify !== "each" && verify !== "optimistic") return fail("--verify each|optimistic");
    const combiner = new Combiner({
      validators: cfg.validators,
      cosigners: cfg.cosigners,
      metrics,
      ...(cfg.tls !== undefined ? { tls: cfg.tls } : tls !== undefined ? { tls } : {}),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(verify === undefined ? {} : { verify }),
      ...(cfg.fastPath === undefined ? {} : { fastPath: cfg.fastPath }),
    });
    backend = combiner;
    keyManager = new CombinerKeyManager({ publicKeys: () => combiner.publicKeys(), slashing, logger });
  }
  const token = values["token-file"] === undefined ? undefined : readFileSync(values["token-file"], "utf8").trim();
  const server = await startSignerServer({
    backend,
    slashing,
    signing: {
      slotsPerEpoch: params.SLOTS_PER_EPOCH,
      genesisForkVersion: chain.genesisForkVersion,
      ...(chain.network === undefined ? {} : { network: chain.network }),
    },
    logger,
    metrics,
    ...(gvr === undefined ? {} : { genesisValidatorsRoot: gvr.toLowerCase() }),
    host: values.host,
    port: Number(values.port),
    keyManager,
    ...(token === undefined ? {} : { token }),
    ...(tls === undefined ? {} : { tls }),
  });
  const metricsServer =
    values["metrics-port"] === undefined
      ? undefined
      : await startMetricsServer(metrics.registry, { port: Number(values["metrics-port"]) });
  process.stdout.write(
    `${JSON.stringify({ event: "listening", role: values.role, url: server.url, port: server.port, metricsPort: metricsServer?.port ?? null })}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  logger.info("Stopping");
  await server.close();
  await metricsServer?.close();
  slashing.close();
  return 0;
}

/**
 * `signer import-interchange --db F --file F [--genesis-validators-root 0x..]`: imports an EIP-3076 v5
 * interchange (atomic). The interchange must be for the expected chain: the given root, or the one the
 * database is already bound to; a fresh database needs the root.
 */
export async function runSignerImportInterchange(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: "string" },
      file: { type: "string" },
      "genesis-validators-root": { type: "string" },
      json: { type: "boolean" },
    },
  });
  if (values.db === undefined || values.file === undefined) return fail("--db <sqlite> --file <interchange.json>");
  const gvr = values["genesis-validators-root"];
  if (gvr !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(gvr))
    return fail("--genesis-validators-root must be 0x + 32 bytes");
  const { SlashingProtectionDb } = await import("../slashing/db.js");
  const db = new SlashingProtectionDb(values.db);
  try {
    if (gvr === undefined && db.genesisValidatorsRoot() === undefined) {
      return fail("--genesis-validators-root <0x..> is required to import into a database not yet bound to a chain");
    }
    const counts = db.importInterchange(
      JSON.parse(readFileSync(values.file, "utf8")) as unknown,
      gvr === undefined ? {} : { expectedGenesisValidatorsRoot: gvr },
    );
    result(
      values.json,
      { db: values.db, file: values.file, ...counts },
      `Imported ${values.file} into ${values.db}: ${counts.validators} validators, ${counts.blocks} blocks, ${counts.attestations} attestations`,
    );
    return 0;
  } finally {
    db.close();
  }
}

/** `signer export-interchange --db F [--out F]`: writes the complete history as an EIP-3076 v5 interchange. */
export async function runSignerExportInterchange(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { db: { type: "string" }, out: { type: "string" }, json: { type: "boolean" } },
  });
  if (values.db === undefined) return fail("--db <sqlite> is required");
  const { SlashingProtectionDb } = await import("../slashing/db.js");
  const db = new SlashingProtectionDb(values.db);
  try {
    const interchange = db.exportInterchange();
    const text = `${JSON.stringify(interchange, null, 2)}\n`;
    // Without --out, stdout is the interchange itself: a JSON document already.
    if (values.out === undefined) process.stdout.write(text);
    else {
      writeFileSync(values.out, text);
      const validators = interchange.data.length;
      result(
        values.json,
        { db: values.db, out: values.out, validators },
        `Wrote the history of ${validators} validators in ${values.db} to ${values.out}`,
      );
    }
    return 0;
  } finally {
    db.close();
  }
}

/**
 * `signer high-watermark --db F (--epoch E --slot S | --remove)`: sets or removes the high watermark (no
 * block at or above S, no attestation reaching E is signed); prints the watermark in force.
 */
export async function runSignerHighWatermark(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: "string" },
      epoch: { type: "string" },
      slot: { type: "string" },
      remove: { type: "boolean", default: false },
      json: { type: "boolean" },
    },
  });
  if (values.db === undefined) return fail("--db <sqlite> is required");
  const set = values.epoch !== undefined || values.slot !== undefined;
  if (set && (values.epoch === undefined || values.slot === undefined || values.remove)) {
    return fail("--epoch and --slot go together, and not with --remove");
  }
  for (const v of [values.epoch, values.slot]) {
    if (v !== undefined && !/^[0-9]{1,19}$/.test(v)) return fail("--epoch / --slot must be decimal integers");
  }
  const { SlashingProtectionDb } = await import("../slashing/db.js");
  const db = new SlashingProtectionDb(values.db);
  try {
    if (values.remove) db.setHighWatermark(null);
    else if (set) db.setHighWatermark({ epoch: BigInt(values.epoch ?? 0), slot: BigInt(values.slot ?? 0) });
    const hw = db.highWatermark();
    result(
      values.json,
      hw.epoch === undefined ? {} : { epoch: String(hw.epoch), slot: String(hw.slot) },
      hw.epoch === undefined
        ? `No high watermark in ${values.db}`
        : `High watermark in ${values.db}: no block at or above slot ${hw.slot}, no attestation reaching epoch ${hw.epoch}`,
    );
    return 0;
  } finally {
    db.close();
  }
}
