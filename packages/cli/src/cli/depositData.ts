import { readFileSync } from "node:fs";
import { UsageError } from "@mzku/errors";
import type { ValidatorDepositData } from "@mzku/sdk";
import type { Address, Hex } from "viem";

/** The 32 ETH deposit, in Gwei, as deposit data states it. */
const FULL_DEPOSIT_GWEI = 32_000_000_000;

/**
 * Reads a deposit_data JSON file (what `mzku keys dkg --withdrawal-address` and the staking deposit
 * CLI write: an array of one entry, or the entry) for `pool`'s validator and checks it before anything
 * is sent: one validator, 32 ETH, `pool`'s 0x01 withdrawal credentials, a signature that verifies under
 * the pubkey for the file's fork version, and the file's `deposit_data_root` recomputed. The deposit
 * contract checks none of the signature: a bad one would lock the pool's 32 ETH.
 */
export async function readDepositData(file: string, pool: Address): Promise<ValidatorDepositData> {
  const bad = (why: string): never => {
    throw new UsageError("BAD_DEPOSIT_DATA", `${file}: ${why}`);
  };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (cause) {
    throw new UsageError("BAD_DEPOSIT_DATA", `${file}: cannot read it as JSON`, { cause });
  }
  const entries = Array.isArray(json) ? json : [json];
  if (entries.length !== 1) bad(`holds ${entries.length} validators; a pool runs one`);
  const entry = entries[0] as Record<string, unknown>;
  const field = (name: string): string => {
    const value = entry[name];
    if (typeof value !== "string" || !/^(0x)?[0-9a-fA-F]+$/.test(value)) bad(`${name} is missing or not hex`);
    return (value as string).replace(/^0x/, "").toLowerCase();
  };
  if (entry.amount !== FULL_DEPOSIT_GWEI) bad(`amount is ${String(entry.amount)} Gwei; a validator needs 32 ETH`);
  const signer = await import("@mzku/signer");
  const credentials = Buffer.from(signer.executionWithdrawalCredentials(pool)).toString("hex");
  if (field("withdrawal_credentials") !== credentials) {
    bad(`made for withdrawal credentials 0x${field("withdrawal_credentials")}, not pool ${pool}'s 0x${credentials}`);
  }
  const bytes = (hex: string) => new Uint8Array(Buffer.from(hex, "hex"));
  const [pubkey, signature, fork, root] = ["pubkey", "signature", "fork_version", "deposit_data_root"].map(field);
  let built: ReturnType<typeof signer.buildDepositData>;
  try {
    built = signer.buildDepositData({
      pubkey: bytes(pubkey ?? ""),
      withdrawalCredentials: bytes(credentials),
      amountGwei: BigInt(FULL_DEPOSIT_GWEI),
      signature: bytes(signature ?? ""),
      forkVersion: signer.parseForkVersion(fork ?? ""),
    });
  } catch (cause) {
    throw new UsageError(
      "BAD_DEPOSIT_DATA",
      `${file}: ${cause instanceof Error ? cause.message : String(cause)} (fork version 0x${fork})`,
      { cause },
    );
  }
  if (built.deposit_data_root !== root) {
    bad(`deposit_data_root is 0x${root}, the data's is 0x${built.deposit_data_root}`);
  }
  return {
    pubkey: `0x${built.pubkey}` as Hex,
    signature: `0x${built.signature}` as Hex,
    depositDataRoot: `0x${built.deposit_data_root}` as Hex,
  };
}
