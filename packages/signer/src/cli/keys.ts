/**
 * `mzku-signer keys ...` — thin handlers over src/dkg, src/keystore and src/deposit.
 *
 *   keys identity   --out <file>                      new Ed25519 identity (prints the public key)
 *   keys definition --identities <pk,pk,..> --threshold t --validators m [--base-port 9100]
 *                   [--urls u1,u2,..] [--name s] --out <file>
 *   keys dkg        --definition <file> --identity <file> --index i --out <dir> --password-file <file>
 *                   [--withdrawal-address 0x.. | --withdrawal-credentials 0x..] [--fork-version 0x.. | --network name]
 *                   [--amount-gwei n] [--kdf scrypt|pbkdf2] [--start-timeout-ms n] [--round-timeout-ms n]
 *   keys deposit-data --dkg-dir <dir> (--withdrawal-address|--withdrawal-credentials) (--fork-version|--network)
 *                   [--amount-gwei n] --out <file>
 *                   with --password-file <file>: writes THIS party's partial signatures;
 *                   with --partials <f1,f2,..>: verifies and combines partials into deposit_data JSON.
 *
 * Exit codes: 0 ok, 2 bad input, 1 failure; a failure prints one line `mzku-signer: <CODE>: reason` on stderr.
 */
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { cliFailure, EXIT_USAGE, errorCode, UsageError } from "@mzku/errors";
import { createLogger, type Logger, resolveLogLevel } from "@mzku/log";
import { fromHex, toHex } from "../bls/bytes.js";
import { combineVerifiedPartials, partialSign } from "../bls/threshold.js";
import {
  buildDepositData,
  type DepositDataJson,
  depositSigningRoot,
  executionWithdrawalCredentials,
  FULL_DEPOSIT_GWEI,
  NETWORKS,
  parseForkVersion,
} from "../deposit/deposit.js";
import { type DepositParams, runDkgCeremony } from "../dkg/ceremony.js";
import { DKG_VERSION, parseDefinition } from "../dkg/definition.js";
import { generateIdentity, type IdentityFile } from "../dkg/identity.js";
import { readDkgOutput, readShares } from "../dkg/output.js";
import { stopKdfWorker } from "../keystore/kdf.js";
import { PBKDF2_DEFAULT, SCRYPT_DEFAULT } from "../keystore/keystore.js";
import { cliProgram } from "./program.js";

export { UsageError };

/** The DKG's log lines on stderr; the level comes from MZKU_LOG_LEVEL (default info). */
function dkgLogger(): Logger {
  return createLogger({ component: "signer-dkg", level: resolveLogLevel({ env: process.env }) });
}

type Opts = Record<string, string | boolean | undefined>;
function parse(argv: string[], names: readonly string[]): Opts {
  try {
    const { values } = parseArgs({
      args: argv,
      options: Object.fromEntries(names.map((n) => [n, { type: "string" as const }])),
      strict: true,
      allowPositionals: false,
    });
    return values as Opts;
  } catch (e) {
    throw new UsageError("USAGE", (e as Error).message);
  }
}
function need(o: Opts, name: string): string {
  const v = o[name];
  if (typeof v !== "string" || v === "") throw new UsageError("USAGE", `--${name} is required`);
  return v;
}
function intOpt(o: Opts, name: string, dflt?: number): number {
  const v = o[name];
  if (v === undefined) {
    if (dflt === undefined) throw new UsageError("USAGE", `--${name} is required`);
    return dflt;
  }
  if (typeof v !== "string" || !/^\d+$/.test(v))
    throw new UsageError("USAGE", `--${name} must be a non-negative integer`);
  return Number(v);
}
function readJson(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new UsageError("USAGE", `cannot read ${what} ${path}: ${(e as Error).message.split("\n")[0]}`);
  }
}
function readPassword(path: string): string {
  try {
    return readFileSync(path, "utf8").replace(/\r?\n$/, "");
  } catch {
    throw new UsageError("USAGE", `cannot read password file ${path}`);
  }
}

/** Runs `body`, mapping typed errors to exit code 2 (bad input) or 1 with one stderr line. */
async function guarded(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    const failure = cliFailure(cliProgram(), e);
    process.stderr.write(failure.line);
    // Domain errors about the files and values given on the command line are bad input too.
    return /INVALID|USAGE|UNSUPPORTED|WRONG_PASSWORD|NOT_ENOUGH/.test(errorCode(e)) ? EXIT_USAGE : failure.exitCode;
  } finally {
    await stopKdfWorker();
  }
}

function depositParams(o: Opts, required: boolean): DepositParams | null {
  const addr = o["withdrawal-address"];
  const creds = o["withdrawal-credentials"];
  const fork = o["fork-version"];
  const network = o.network;
  if (addr === undefined && creds === undefined && fork === undefined && network === undefined && !required)
    return null;
  if ((addr === undefined) === (creds === undefined))
    throw new UsageError("USAGE", "give exactly one of --withdrawal-address or --withdrawal-credentials");
  let withdrawalCredentials: Uint8Array;
  if (typeof addr === "string") withdrawalCredentials = executionWithdrawalCredentials(addr);
  else {
    try {
      withdrawalCredentials = fromHex(String(creds));
    } catch {
      throw new UsageError("USAGE", "--withdrawal-credentials must be 32 bytes of hex");
    }
    if (withdrawalCredentials.length !== 32 || ![0, 1, 2].includes(withdrawalCredentials[0] ?? -1)) {
      throw new UsageError("USAGE", "--withdrawal-credentials must be 32 bytes starting with 0x00, 0x01 or 0x02");
    }
  }
  if ((fork === undefined) === (network === undefined))
    throw new UsageError("USAGE", "give exactly one of --fork-version or --network");
  let forkVersion: Uint8Array;
  let networkName: string | undefined;
  if (typeof network === "string") {
    const fv = NETWORKS[network];
    if (fv === undefined)
      throw new UsageError("USAGE", `unknown --network ${network} (known: ${Object.keys(NETWORKS).join(", ")})`);
    forkVersion = fromHex(fv);
    networkName = network;
  } else forkVersion = parseForkVersion(String(fork));
  const amountGwei = o["amount-gwei"] === undefined ? FULL_DEPOSIT_GWEI : BigInt(intOpt(o, "amount-gwei"));
  return networkName === undefined
    ? { withdrawalCredentials, forkVersion, amountGwei }
    : { withdrawalCredentials, forkVersion, amountGwei, networkName };
}

export function runKeysIdentity(argv: string[]): Promise<number> {
  return guarded(async () => {
    const o = parse(argv, ["out"]);
    const out = need(o, "out");
    if (existsSync(out)) throw new UsageError("USAGE", `${out} exists; refusing to overwrite an identity`);
    const id = generateIdentity();
    writeFileSync(out, JSON.stringify(id, null, 2), { mode: 0o600 });
    process.stdout.write(`${id.publicKey}\n`);
    return 0;
  });
}

export function runKeysDefinition(argv: string[]): Promise<number> {
  return guarded(async () => {
    const o = parse(argv, ["identities", "threshold", "validators", "base-port", "urls", "name", "nonce", "out"]);
    const ids = need(o, "identities").split(",");
    const urls =
      typeof o.urls === "string"
        ? o.urls.split(",")
        : ids.map((_, k) => `http://127.0.0.1:${intOpt(o, "base-port", 9100) + k}`);
    if (urls.length !== ids.length) throw new UsageError("USAGE", "--urls must list one URL per identity");
    const def = parseDefinition({
      version: DKG_VERSION,
      name: typeof o.name === "string" ? o.name : "mzku-dkg",
      nonce: typeof o.nonce === "string" ? o.nonce : toHex(randomBytes(16)),
      threshold: intOpt(o, "threshold"),
      validators: intOpt(o, "validators"),
      parties: ids.map((identity, k) => ({ index: k + 1, identity, url: urls[k] })),
    });
    writeFileSync(need(o, "out"), JSON.stringify(def, null, 2));
    return 0;
  });
}

export function runKeysDkg(argv: string[]): Promise<number> {
  return guarded(async () => {
    const o = parse(argv, [
      "definition",
      "identity",
      "index",
      "out",
      "password-file",
      "withdrawal-address",
      "withdrawal-credentials",
      "fork-version",
      "network",
      "amount-gwei",
      "kdf",
      "start-timeout-ms",
      "round-timeout-ms",
      "listen-host",
    ]);
    const kdfName = o.kdf ?? "scrypt";
    if (kdfName !== "scrypt" && kdfName !== "pbkdf2") throw new UsageError("USAGE", "--kdf must be scrypt or pbkdf2");
    const deposit = depositParams(o, false);
    await runDkgCeremony({
      definition: parseDefinition(readJson(need(o, "definition"), "definition")),
      identity: readJson(need(o, "identity"), "identity") as IdentityFile,
      index: intOpt(o, "index"),
      outDir: need(o, "out"),
      password: readPassword(need(o, "password-file")),
      kdf: kdfName === "scrypt" ? SCRYPT_DEFAULT : PBKDF2_DEFAULT,
      ...(deposit ? { deposit } : {}),
      log: dkgLogger(),
      startTimeoutMs: intOpt(o, "start-timeout-ms", 60_000),
      roundTimeoutMs: intOpt(o, "round-timeout-ms", 20_000),
      ...(typeof o["listen-host"] === "string" ? { listenHost: o["listen-host"] } : {}),
    });
    return 0;
  });
}

interface PartialFile {
  readonly version: "mzku-deposit-partials/v1";
  readonly sessionId: string;
  readonly index: number;
  readonly withdrawalCredentials: string;
  readonly forkVersion: string;
  readonly amountGwei: string;
  readonly partials: readonly string[];
}

export function runKeysDepositData(argv: string[]): Promise<number> {
  return guarded(async () => {
    const o = parse(argv, [
      "dkg-dir",
      "password-file",
      "partials",
      "withdrawal-address",
      "withdrawal-credentials",
      "fork-version",
      "network",
      "amount-gwei",
      "out",
    ]);
    const dir = need(o, "dkg-dir");
    const output = readDkgOutput(dir);
    const dp = depositParams(o, true) as DepositParams;
    const out = need(o, "out");
    const roots = output.validators.map((v) =>
      depositSigningRoot(
        {
          pubkey: fromHex(v.groupPublicKey),
          withdrawalCredentials: dp.withdrawalCredentials,
          amountGwei: dp.amountGwei,
        },
        dp.forkVersion,
      ),
    );
    if ((o["password-file"] === undefined) === (o.partials === undefined)) {
      throw new UsageError(
        "USAGE",
        "give --password-file (sign this party's partials) or --partials (combine), not both",
      );
    }
    if (typeof o["password-file"] === "string") {
      const shares = await readShares(dir, output, readPassword(o["password-file"]));
      const file: PartialFile = {
        version: "mzku-deposit-partials/v1",
        sessionId: output.sessionId,
        index: output.index,
        withdrawalCredentials: toHex(dp.withdrawalCredentials),
        forkVersion: toHex(dp.forkVersion),
        amountGwei: dp.amountGwei.toString(),
        partials: shares.map((secret, k) =>
          toHex(partialSign({ index: output.index, secret }, roots[k] as Uint8Array)),
        ),
      };
      writeFileSync(out, JSON.stringify(file, null, 2));
      return 0;
    }
    const files = String(o.partials)
      .split(",")
      .map((p) => readJson(p, "partials file") as PartialFile);
    for (const f of files) {
      if (f?.version !== "mzku-deposit-partials/v1" || f.sessionId !== output.sessionId || !Array.isArray(f.partials)) {
        throw new UsageError("USAGE", `a partials file is not from this DKG session (${String(f?.index)})`);
      }
      if (f.partials.length !== output.validators.length)
        throw new UsageError("USAGE", `partials file of party ${f.index} has the wrong length`);
    }
    const data: DepositDataJson[] = output.validators.map((v, k) => {
      const groupPublicKey = fromHex(v.groupPublicKey);
      const { signature } = combineVerifiedPartials({
        groupPublicKey,
        publicShares: new Map(v.publicShares.map((pk, i) => [i + 1, fromHex(pk)])),
        threshold: output.threshold,
        message: roots[k] as Uint8Array,
        partials: files.map((f) => ({ index: f.index, signature: fromHex(f.partials[k] as string) })),
        optimistic: true,
      });
      return buildDepositData({
        pubkey: groupPublicKey,
        withdrawalCredentials: dp.withdrawalCredentials,
        amountGwei: dp.amountGwei,
        signature,
        forkVersion: dp.forkVersion,
        ...(dp.networkName ? { networkName: dp.networkName } : {}),
      });
    });
    writeFileSync(out, JSON.stringify(data, null, 2));
    return 0;
  });
}
