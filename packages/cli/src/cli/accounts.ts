import { readFileSync } from "node:fs";
import { UsageError } from "@mzku/errors";
import { devAccount } from "@mzku/sdk/devnet";
import { type Address, bytesToHex, getAddress, type Hex, isAddress, type LocalAccount } from "viem";
import { privateKeyToAccount } from "viem/accounts";

/** Chain id of a devnet (anvil's default): the only chain where the named accounts exist. */
export const DEVNET_CHAIN_ID = 31337;

/**
 * The devnet's named accounts: anvil's public dev mnemonic, by role (`mzku devnet` uses them so).
 * The sidecars are addresses only (no ETH); everything else holds ETH and MZKU.
 */
export const DEVNET_ACCOUNTS: Readonly<Record<string, number>> = {
  deployer: 0,
  gov1: 1,
  gov2: 2,
  gov3: 3,
  provider1: 4,
  provider2: 5,
  provider3: 6,
  provider4: 7,
  requester: 8,
  investor1: 9,
  investor2: 10,
  investor3: 11,
  investor4: 12,
  investor5: 13,
  investor6: 14,
  investor7: 15,
  investor8: 16,
  candidate: 17,
  cosigner: 18,
  treasury: 19,
  sidecar1: 20,
  sidecar2: 21,
  sidecar3: 22,
  sidecar4: 23,
};

const NAMES_HINT = "deployer, gov1-3, provider1-4, requester, investor1-8, candidate, cosigner, treasury, sidecar1-4";

/** The dev account index of a devnet name or index (`provider1`, `dev:4`, `4`), or undefined. */
export function devnetIndex(name: string): number | undefined {
  const named = DEVNET_ACCOUNTS[name.toLowerCase()];
  if (named !== undefined) return named;
  const m = /^(?:dev:)?(\d+)$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** A devnet named account; `UNKNOWN_ACCOUNT` (usage) when there is no such name. */
export function devnetAccount(name: string): LocalAccount {
  const index = devnetIndex(name);
  if (index === undefined || index > 99) {
    throw new UsageError(
      "UNKNOWN_ACCOUNT",
      `unknown account "${name}" (devnet names: ${NAMES_HINT}; or --private-key / --keystore)`,
    );
  }
  return devAccount(index);
}

/** An address argument: `0x…`, or a devnet name (`sidecar1`, `investor3`) when `devnet` is true. */
export function resolveAddress(text: string | undefined, what: string, devnet: boolean): Address {
  if (text === undefined) throw new UsageError("BAD_ARGUMENT", `${what} is missing`);
  if (isAddress(text)) return getAddress(text);
  if (devnet && devnetIndex(text) !== undefined) return devnetAccount(text).address;
  throw new UsageError(
    "BAD_ADDRESS",
    `${what}: "${text}" is not an address${devnet ? ` or a devnet account name (${NAMES_HINT})` : ""}`,
  );
}

/** An account from a hex private key. */
export function privateKeyAccount(key: string): LocalAccount {
  const hex = (key.startsWith("0x") ? key : `0x${key}`) as Hex;
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex))
    throw new UsageError("BAD_PRIVATE_KEY", "--private-key must be 32 bytes of hex");
  return privateKeyToAccount(hex);
}

/**
 * An account from an EIP-2335 keystore (the format `mzku keys account` writes) whose secret is a
 * secp256k1 key; the password comes from `passwordFile`, else MZKU_KEYSTORE_PASSWORD.
 */
export async function keystoreAccount(file: string, passwordFile: string | undefined): Promise<LocalAccount> {
  const password =
    passwordFile !== undefined
      ? readText(passwordFile, "--password-file").trimEnd()
      : process.env.MZKU_KEYSTORE_PASSWORD;
  if (password === undefined) {
    throw new UsageError("NO_PASSWORD", "a keystore needs --password-file or MZKU_KEYSTORE_PASSWORD");
  }
  let keystore: unknown;
  try {
    keystore = JSON.parse(readText(file, "--keystore"));
  } catch (cause) {
    if (cause instanceof UsageError) throw cause;
    throw new UsageError("BAD_KEYSTORE", `${file}: not JSON`, { cause });
  }
  const { decrypt } = await import("@chainsafe/bls-keystore");
  let secret: Uint8Array;
  try {
    secret = await decrypt(keystore as Parameters<typeof decrypt>[0], password);
  } catch (cause) {
    throw new UsageError("BAD_KEYSTORE", `${file}: cannot decrypt (wrong password or not an EIP-2335 keystore)`, {
      cause,
    });
  }
  return privateKeyToAccount(bytesToHex(secret));
}

function readText(file: string, what: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (cause) {
    throw new UsageError("BAD_FILE", `${what}: cannot read ${file}`, { cause });
  }
}
