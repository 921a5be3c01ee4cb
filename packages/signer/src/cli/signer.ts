/**
 * `mzku-signer signer ...` — thin CLI over the co-signer, the combiner and slashing protection.
 *
 *   signer start --role cosigner (--shares a.json[,b.json] | --dkg-dir D --password-file F) --db sp.sqlite
 *                [common options]
 *   signer start --role combiner --config combiner.json --db sp.sqlite [--timeout-ms 2000]
 *                [--verify each|optimistic] [common]
 *     common: --host 127.0.0.1 --port 9000 --token-file F --metrics-port N --preset mainnet|minimal
 *             --tls-cert F --tls-key F --tls-ca F (mutual TLS: serve https, and the combiner's client certificate)
 *             --genesis-fork-version 0x00000000 --genesis-validators-root 0x.. --log-level info
 *   signer import-interchange --db sp.sqlite --file interchange.json [--genesis-validators-root 0x..]
 *   signer export-interchange --db sp.sqlite [--out file]
 *
 * `start` prints one JSON line on stdout once listening ({"event":"listening","url":...,"port":...});
 * logs are JSON lines on stderr. The preset (LODESTAR_PRESET) is fixed before the SSZ types load.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";

const USAGE_ERROR = 2;

function fail(message: string): number {
  process.stderr.write(`error USAGE: ${message}\n`);
  return USAGE_ERROR;
}

function hex4(v: string | undefined, fallback: string): Uint8Array {
  const s = v ?? fallback;
  if (!/^0x[0-9a-fA-F]{8}$/.test(s)) throw new Error("--genesis-fork-version must be 0x + 4 bytes");
  return new Uint8Array(Buffer.from(s.slice(2), "hex"));
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
      config: { type: "string" },
      db: { type: "string" },
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "9000" },
      "token-file": { type: "string" },
      "metrics-port": { type: "string" },
      preset: { type: "string", default: process.env.LODESTAR_PRESET ?? "mainnet" },
      "genesis-fork-version": { type: "string" },
      "genesis-validators-root": { type: "string" },
      "tls-cert": { type: "string" },
      "tls-key": { type: "string" },
      "tls-ca": { type: "string" },
      "timeout-ms": { type: "string" },
      verify: { type: "string" },
      "log-level": { type: "string", default: "info" },
    },
    strict: true,
  });
  if (values.role !== "cosigner" && values.role !== "combiner") return fail("--role cosigner|combiner is required");
  if (values.db === undefined) return fail("--db <sqlite file> is required");
  if (values.preset !== "mainnet" && values.preset !== "minimal") return fail("--preset mainnet|minimal");
  process.env.LODESTAR_PRESET = values.preset;
  const params = await import("@lodestar/params");
  if (params.ACTIVE_PRESET !== values.preset) {
    return fail(`preset ${values.preset} requested but ${params.ACTIVE_PRESET} is already loaded`);
  }
  const { createLogger } = await import("../logger.js");
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
  const level = values["log-level"] as "debug" | "info" | "warn" | "error";
  const logger = createLogger({ level, base: { component: `signer-${values.role}` } });
  const metrics = createSignerMetrics();

  let backend: import("../service/backend.js").SignerBackend;
  if (values.role === "cosigner") {
    const { loadKeyShareFiles, parseKeyShare } = await import("../cosigner/shares.js");
    const { CoSigner } = await import("../cosigner/cosigner.js");
    const shares = values.shares === undefined ? [] : loadKeyShareFiles(values.shares.split(","));
    if (values["dkg-dir"] !== undefined) {
      // EIP-2335 keystores written by `keys dkg` (decrypted off the main thread)
      if (values["password-file"] === undefined) return fail("--dkg-dir needs --password-file");
      const { loadDkgKeyShares } = await import("../dkg/output.js");
      const password = readFileSync(values["password-file"], "utf8").trim();
      for (const [i, s] of (await loadDkgKeyShares(values["dkg-dir"], password)).entries()) {
        shares.push(
          parseKeyShare({ ...s, secretShare: `0x${Buffer.from(s.secret).toString("hex")}` }, `dkg-dir share ${i}`),
        );
      }
    }
    if (shares.length === 0) return fail("a co-signer needs --shares <file>[,<file>] and/or --dkg-dir <dir>");
    backend = new CoSigner(shares);
  } else {
    if (values.config === undefined) return fail("--config <combiner.json> is required for a combiner");
    const { loadCombinerConfig } = await import("../combiner/config.js");
    const { Combiner } = await import("../combiner/combiner.js");
    const cfg = loadCombinerConfig(values.config);
    const timeoutMs = values["timeout-ms"] === undefined ? cfg.timeoutMs : Number(values["timeout-ms"]);
    const verify = values.verify ?? cfg.verify;
    if (verify !== undefined && verify !== "each" && verify !== "optimistic") return fail("--verify each|optimistic");
    backend = new Combiner({
      validators: cfg.validators,
      cosigners: cfg.cosigners,
      metrics,
      ...(cfg.tls !== undefined ? { tls: cfg.tls } : tls !== undefined ? { tls } : {}),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
      ...(verify === undefined ? {} : { verify }),
    });
  }
  const gvr = values["genesis-validators-root"];
  if (gvr !== undefined && !/^0x[0-9a-fA-F]{64}$/.test(gvr))
    return fail("--genesis-validators-root must be 0x + 32 bytes");
  // bound at open: a database of another chain refuses to start, and so does every import for another chain
  const slashing = new SlashingProtectionDb(values.db, gvr === undefined ? {} : { genesisValidatorsRoot: gvr });
  const token = values["token-file"] === undefined ? undefined : readFileSync(values["token-file"], "utf8").trim();
  const server = await startSignerServer({
    backend,
    slashing,
    signing: {
      slotsPerEpoch: params.SLOTS_PER_EPOCH,
      genesisForkVersion: hex4(
        values["genesis-fork-version"],
        values.preset === "minimal" ? "0x00000001" : "0x00000000",
      ),
    },
    logger,
    metrics,
    ...(gvr === undefined ? {} : { genesisValidatorsRoot: gvr.toLowerCase() }),
    host: values.host,
    port: Number(values.port),
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
    options: { db: { type: "string" }, file: { type: "string" }, "genesis-validators-root": { type: "string" } },
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
    process.stdout.write(`${JSON.stringify({ event: "imported", ...counts })}\n`);
    return 0;
  } finally {
    db.close();
  }
}

/** `signer export-interchange --db F [--out F]`: writes the complete history as an EIP-3076 v5 interchange. */
export async function runSignerExportInterchange(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { db: { type: "string" }, out: { type: "string" } } });
  if (values.db === undefined) return fail("--db <sqlite> is required");
  const { SlashingProtectionDb } = await import("../slashing/db.js");
  const db = new SlashingProtectionDb(values.db);
  try {
    const text = `${JSON.stringify(db.exportInterchange(), null, 2)}\n`;
    if (values.out === undefined) process.stdout.write(text);
    else writeFileSync(values.out, text);
    return 0;
  } finally {
    db.close();
  }
}
