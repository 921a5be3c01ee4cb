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

/** Where a signing account comes from: a hex key, a keystore file (and its password file), a devnet name. */
export type AccountSource = {
  key: string | undefined;
  keystore: string | undefined;
  passwordFile: string | undefined;
  name: string | undefined;
};
/** The options that give an {@link AccountSource}, for messages; `purpose` says why an account is needed. */
export type AccountFlags = { key: string; keystore: string; name: string; purpose: string };

/** An account from a hex private key (given with option `flag`). */
export function privateKeyAccount(key: string, flag = "--private-key"): LocalAccount {
  const hex = (key.startsWith("0x") ? key : `0x${key}`) as Hex;
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) throw new UsageError("BAD_PRIVATE_KEY", `${flag} must be 32 bytes of hex`);
  return privateKeyToAccount(hex);
}

/**
 * An account from a keystore file: Web3 Secret Storage v3 (what geth, Foundry's `cast wallet`,
 * MetaMask and most wallets export; scrypt or pbkdf2, through `ox`'s Keystore) or EIP-2335 (what
 * `mzku keys account new` writes; the secret is a secp256k1 key). The password comes from
 * `passwordFile`, else MZKU_KEYSTORE_PASSWORD, else a hidden prompt when stdin is a terminal.
 */
export async function keystoreAccount(file: string, passwordFile: string | undefined): Promise<LocalAccount> {
  let keystore: unknown;
  try {
    keystore = JSON.parse(readText(file, "--keystore"));
  } catch (cause) {
    if (cause instanceof UsageError) throw cause;
    throw new UsageError("BAD_KEYSTORE", `${file}: not JSON`, { cause });
  }
  const format = keystoreFormat(keystore, file);
  const password = await keystorePassword(passwordFile, file);
  const account =
    format === "v3" ? await decryptV3(keystore, password, file) : await decryptEip2335(keystore, password, file);
  const stated = (keystore as { address?: unknown }).address;
  if (format === "v3" && typeof stated === "string" && isAddress(`0x${stated.replace(/^0x/, "")}`, { strict: false })) {
    if (getAddress(`0x${stated.replace(/^0x/, "")}`) !== account.address) {
      throw new UsageError(
        "BAD_KEYSTORE",
        `${file}: the key is for ${account.address}, not the address the file names`,
      );
    }
  }
  return account;
}

/** Which keystore `json` is: Web3 Secret Storage v3 or EIP-2335 (version 4); else BAD_KEYSTORE. */
function keystoreFormat(json: unknown, file: string): "v3" | "eip2335" {
  const k = json as { version?: unknown; crypto?: { kdf?: unknown } } | null;
  if (k && k.version === 3 && typeof k.crypto === "object") return "v3";
  if (k && k.version === 4 && typeof k.crypto?.kdf === "object") return "eip2335";
  throw new UsageError("BAD_KEYSTORE", `${file}: not a keystore (expected Web3 Secret Storage v3 or EIP-2335)`);
}

async function keystorePassword(passwordFile: string | undefined, file: string): Promise<string> {
  if (passwordFile !== undefined) return readText(passwordFile, "--password-file").trimEnd();
  const env = process.env.MZKU_KEYSTORE_PASSWORD;
  if (env !== undefined) return env;
  if (process.stdin.isTTY) return promptHidden(`Password for ${file}: `);
  throw new UsageError(
    "NO_PASSWORD",
    "a keystore needs --password-file, MZKU_KEYSTORE_PASSWORD or a terminal to ask on",
  );
}

/** Reads a line from the terminal without echoing it (stdin in raw mode); Ctrl-C cancels. */
function promptHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding("utf8");
  stdin.resume();
  return new Promise((resolve, reject) => {
    let text = "";
    const finish = () => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write("\n");
    };
    const onData = (chunk: string) => {
      for (const c of chunk) {
        if (c === "\r" || c === "\n" || c === "\u0004") {
          finish();
          resolve(text);
          return;
        }
        if (c === "\u0003") {
          finish();
          reject(new UsageError("NO_PASSWORD", "cancelled at the password prompt"));
          return;
        }
        text = c === "\u007f" || c === "\b" ? text.slice(0, -1) : text + c;
      }
    };
    stdin.on("data", onData);
  });
}

/**
 * Web3 Secret Storage v3: the parameters are checked here (aes-128-ctr; scrypt, or pbkdf2 with
 * hmac-sha256; a 32-byte derived key), the key derivation, MAC check and decryption are `ox`'s.
 */
async function decryptV3(json: unknown, password: string, file: string): Promise<LocalAccount> {
  const { Keystore } = await import("ox");
  const crypto = (json as { crypto: Record<string, unknown> }).crypto;
  const params = crypto.kdfparams as Record<string, unknown> | undefined;
  const bad = (why: string): never => {
    throw new UsageError("BAD_KEYSTORE", `${file}: unsupported v3 keystore (${why})`);
  };
  if (crypto.cipher !== "aes-128-ctr") bad(`cipher ${String(crypto.cipher)}; expected aes-128-ctr`);
  if (params?.dklen !== 32) bad("kdfparams.dklen must be 32");
  if (crypto.kdf === "pbkdf2") {
    if (params?.prf !== "hmac-sha256") bad(`pbkdf2 prf ${String(params?.prf)}; expected hmac-sha256`);
  } else if (crypto.kdf !== "scrypt") bad(`kdf ${String(crypto.kdf)}; expected scrypt or pbkdf2`);
  const keystore = json as Parameters<typeof Keystore.decrypt>[0];
  let secret: Hex;
  try {
    secret = Keystore.decrypt(keystore, await Keystore.toKeyAsync(keystore, { password }));
  } catch (cause) {
    throw new UsageError("BAD_KEYSTORE", `${file}: cannot decrypt (wrong password?)`, { cause });
  }
  if (!/^0x[0-9a-f]{64}$/.test(secret)) bad("the secret is not a 32-byte key");
  return privateKeyToAccount(secret);
}

async function decryptEip2335(json: unknown, password: string, file: string): Promise<LocalAccount> {
  const { decrypt } = await import("@chainsafe/bls-keystore");
  let secret: Uint8Array;
  try {
    secret = await decrypt(json as Parameters<typeof decrypt>[0], password);
  } catch (cause) {
    throw new UsageError("BAD_KEYSTORE", `${file}: cannot decrypt (wrong password?)`, { cause });
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
