/**
 * One party's whole DKG ceremony, as `keys dkg` runs it and `mzku pool activate` reuses it: checks the
 * party against the definition, runs the rounds over HTTP with the other parties (each in its own
 * process), writes this party's share keystores (EIP-2335) and, when deposit parameters are given,
 * the threshold-signed deposit data (`deposit-data.json`) into `outDir`.
 */
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "@mzku/errors";
import type { Logger } from "@mzku/log";
import { toHex } from "../bls/bytes.js";
import { buildDepositData, type DepositDataJson, depositSigningRoot } from "../deposit/deposit.js";
import { type KdfChoice, prepareKeystoreKey } from "../keystore/keystore.js";
import type { DkgDefinition } from "./definition.js";
import { HttpTransport } from "./http.js";
import { type IdentityFile, loadIdentity } from "./identity.js";
import { writeDkgOutput } from "./output.js";
import { runDkg } from "./runner.js";

/** What the validators' deposit is for: withdrawal credentials, the chain's fork version, the amount. */
export interface DepositParams {
  readonly withdrawalCredentials: Uint8Array;
  readonly forkVersion: Uint8Array;
  readonly amountGwei: bigint;
  readonly networkName?: string;
}

export interface DkgCeremonyOptions {
  readonly definition: DkgDefinition;
  readonly index: number;
  readonly identity: IdentityFile;
  /** Where the share keystores (and the deposit data) are written; must not hold a DKG output yet. */
  readonly outDir: string;
  /** The share keystores' password (at least 8 characters). */
  readonly password: string;
  readonly kdf: KdfChoice;
  /** Threshold-sign the deposit message in the same ceremony. */
  readonly deposit?: DepositParams;
  readonly log: Logger;
  readonly startTimeoutMs?: number;
  readonly roundTimeoutMs?: number;
  readonly listenHost?: string;
}

export interface DkgCeremonyResult {
  readonly qualified: readonly number[];
  /** One entry per validator, when `deposit` was given (also written to `deposit-data.json`). */
  readonly depositData: readonly DepositDataJson[] | null;
}

/** Runs party `index`'s side of the ceremony and writes its output (see the module comment). */
export async function runDkgCeremony(o: DkgCeremonyOptions): Promise<DkgCeremonyResult> {
  const { definition, index, outDir, deposit, log } = o;
  const identity = loadIdentity(o.identity);
  const me = definition.parties.find((p) => p.index === index);
  if (me === undefined) throw new UsageError("USAGE", `--index ${index} is not a party of the definition`);
  if (toHex(identity.publicKey) !== me.identity)
    throw new UsageError("DKG_INVALID_IDENTITY", `identity does not match party ${index} of the definition`);
  if (existsSync(join(outDir, "dkg-output.json")))
    throw new UsageError("USAGE", `${outDir} already holds a DKG output`);
  if (o.password.length < 8) throw new UsageError("USAGE", "keystore password must have at least 8 characters");

  // Start the keystore KDF now (worker thread) so it overlaps the network rounds.
  const preparedKey = prepareKeystoreKey(o.password, o.kdf);
  preparedKey.catch(() => {});
  const transport = await HttpTransport.start({
    definition,
    index,
    ...(o.listenHost ? { host: o.listenHost } : {}),
  });
  let result: Awaited<ReturnType<typeof runDkg>>;
  try {
    result = await runDkg({
      definition,
      index,
      identity,
      transport,
      log,
      startTimeoutMs: o.startTimeoutMs ?? 60_000,
      roundTimeoutMs: o.roundTimeoutMs ?? 20_000,
      ...(deposit
        ? {
            sign: (groupKeys: readonly Uint8Array[]) =>
              groupKeys.map((pubkey) =>
                depositSigningRoot(
                  { pubkey, withdrawalCredentials: deposit.withdrawalCredentials, amountGwei: deposit.amountGwei },
                  deposit.forkVersion,
                ),
              ),
          }
        : {}),
    });
  } finally {
    await transport.close();
  }
  const t0 = performance.now();
  const prepared = await preparedKey;
  try {
    await writeDkgOutput(outDir, definition, result, prepared);
  } finally {
    prepared.key.fill(0);
  }
  let depositData: DepositDataJson[] | null = null;
  if (deposit && result.signatures) {
    depositData = result.validators.map((v, k) =>
      buildDepositData({
        pubkey: v.groupPublicKey,
        withdrawalCredentials: deposit.withdrawalCredentials,
        amountGwei: deposit.amountGwei,
        signature: result.signatures?.[k] as Uint8Array,
        forkVersion: deposit.forkVersion,
        ...(deposit.networkName ? { networkName: deposit.networkName } : {}),
      }),
    );
    writeFileSync(join(outDir, "deposit-data.json"), JSON.stringify(depositData, null, 2));
  }
  log.info("DKG output written", {
    dir: outDir,
    validators: result.validators.length,
    qualified: result.qualified,
    timings: { ...result.timings, writeMs: Math.round(performance.now() - t0) },
  });
  return { qualified: result.qualified, depositData };
}
