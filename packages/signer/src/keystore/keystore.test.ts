import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deriveKeyFromMnemonic } from "@chainsafe/bls-keygen";
import { decrypt as chainsafeDecrypt } from "@chainsafe/bls-keystore";
import { afterAll, describe, expect, it } from "vitest";
import { secretKeyToPublicKey } from "../bls/bls.js";
import { toHex } from "../bls/bytes.js";
import {
  blsWithdrawalCredentials,
  deriveChildSK,
  deriveKeyFromSeed,
  deriveMasterSK,
  mnemonicToSeed,
  parsePath,
  validatorPaths,
} from "./derive.js";
import { kdfRunCount, stopKdfWorker } from "./kdf.js";
import { decryptKeystore, decryptKeystores, encryptKeystores, processPassword } from "./keystore.js";

const VECTORS = join(import.meta.dirname, "../../../../vectors");
const json = (p: string) => JSON.parse(readFileSync(join(VECTORS, p), "utf8"));
afterAll(() => stopKdfWorker());

describe("EIP-2335 vectors", () => {
  const v = json("eip2335/eip2335_cases.json") as {
    password: string;
    password_bytes: string;
    secret: string;
    pubkey: string;
    cases: { name: string; keystore: unknown }[];
  };

  it("processes the password to the expected bytes", () => {
    expect(toHex(processPassword(v.password))).toBe(v.password_bytes);
    expect(toHex(processPassword("a\u0000b\u007fc\u0085"))).toBe(toHex(new TextEncoder().encode("abc")));
  });

  it.each(v.cases.map((c) => [c.name, c.keystore] as const))(
    "%s decrypts to the secret, off the main thread",
    async (_n, ks) => {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      const secret = await decryptKeystore(ks, v.password);
      clearInterval(timer);
      expect(toHex(secret)).toBe(v.secret);
      expect(toHex(secretKeyToPublicKey(secret))).toBe(v.pubkey);
      expect(ticks).toBeGreaterThan(3); // the event loop kept running during the KDF
    },
    30_000,
  );

  it("raw vector files decrypt too, and a wrong password fails the checksum", async () => {
    const ks = json("eip2335/test0_pbkdf2.json");
    expect(toHex(await decryptKeystore(ks, v.password))).toBe(v.secret);
    await expect(decryptKeystore(ks, "wrong")).rejects.toMatchObject({ code: "KEYSTORE_WRONG_PASSWORD" });
    const ks1 = json("eip2335/test1_scrypt.json");
    expect(toHex(await decryptKeystore(ks1, v.password))).toBe(v.secret);
  }, 30_000);
});

describe("our keystores", () => {
  it("a batch shares one KDF run, each keystore has its own IV/uuid, and ChainSafe's reader opens them", async () => {
    const secrets = [randomBytes(32), randomBytes(32), randomBytes(32)].map((b) => {
      b[0] = 0x10; // keep below the curve order
      return new Uint8Array(b);
    });
    const before = kdfRunCount();
    const kss = await encryptKeystores(
      secrets.map((secret, i) => ({ secret, description: `share ${i}` })),
      "pässword",
    );
    expect(kdfRunCount() - before).toBe(1);
    expect(new Set(kss.map((k) => k.crypto.cipher.params.iv)).size).toBe(3);
    expect(new Set(kss.map((k) => k.uuid)).size).toBe(3);
    expect(kss[0]?.crypto.kdf.params).toMatchObject({ n: 262144, r: 8, p: 1, dklen: 32 });
    const back = await decryptKeystores(kss, "pässword");
    expect(back.map(toHex)).toEqual(secrets.map(toHex));
    // one scrypt for the whole batch, not three
    expect(kdfRunCount() - before).toBe(2);
    const viaChainsafe = await chainsafeDecrypt(kss[1] as never, "pässword");
    expect(toHex(viaChainsafe)).toBe(toHex(secrets[1] as Uint8Array));
    await expect(decryptKeystores(kss, "nope")).rejects.toMatchObject({ code: "KEYSTORE_WRONG_PASSWORD" });
  }, 60_000);

  it("pbkdf2 keystores and malformed input", async () => {
    const secret = new Uint8Array(32).fill(3);
    const [ks] = await encryptKeystores([{ secret, path: "m/12381/3600/0/0/0" }], "pw", {
      function: "pbkdf2",
      c: 1000,
    });
    expect(toHex(await decryptKeystore(ks, "pw"))).toBe(toHex(secret));
    await expect(decryptKeystore({ version: 3 }, "pw")).rejects.toMatchObject({ code: "KEYSTORE_INVALID" });
    const hostile = {
      ...ks,
      crypto: {
        ...ks?.crypto,
        kdf: { function: "scrypt", params: { dklen: 32, n: 1 << 30, r: 8, p: 1, salt: "00" }, message: "" },
      },
    };
    await expect(decryptKeystore(hostile, "pw")).rejects.toMatchObject({ code: "KEYSTORE_UNSUPPORTED" });
  });
});

describe("EIP-2333 / EIP-2334 vectors", () => {
  const kdf = json("eip2333/eip2333_cases.json") as {
    cases: { seed: string; master_SK_hex: string; child_index: number; child_SK_hex: string }[];
  };
  it.each(kdf.cases.map((c, i) => [i, c] as const))("tree_kdf case %i", (_i, c) => {
    const master = deriveMasterSK(Buffer.from(c.seed.slice(2), "hex"));
    expect(toHex(master)).toBe(c.master_SK_hex);
    expect(toHex(deriveChildSK(master, c.child_index))).toBe(c.child_SK_hex);
  });

  const paths = json("eip2333/eip2334_paths_cases.json") as {
    mnemonic: string;
    bip39_passphrase: string;
    cases: {
      validator_index: number;
      signing_key_path: string;
      signing_pubkey: string;
      withdrawal_key_path: string;
      bls_withdrawal_credentials?: string;
    }[];
  };
  const seed = mnemonicToSeed(paths.mnemonic, paths.bip39_passphrase);
  it.each(paths.cases.map((c) => [c.signing_key_path, c] as const))("path %s", (_p, c) => {
    expect(validatorPaths(c.validator_index)).toEqual({
      signing: c.signing_key_path,
      withdrawal: c.withdrawal_key_path,
    });
    const sk = deriveKeyFromSeed(seed, c.signing_key_path);
    expect(toHex(secretKeyToPublicKey(sk))).toBe(c.signing_pubkey);
    expect(toHex(sk)).toBe(toHex(deriveKeyFromMnemonic(paths.mnemonic, c.signing_key_path)));
    if (c.bls_withdrawal_credentials) {
      const wpk = secretKeyToPublicKey(deriveKeyFromSeed(seed, c.withdrawal_key_path));
      expect(toHex(blsWithdrawalCredentials(wpk))).toBe(c.bls_withdrawal_credentials);
    }
  });

  it("rejects bad paths and seeds", () => {
    expect(() => parsePath("x/1")).toThrow(expect.objectContaining({ code: "DERIVATION_INVALID_PATH" }));
    expect(() => parsePath("m/1/-2")).toThrow(expect.objectContaining({ code: "DERIVATION_INVALID_PATH" }));
    expect(() => deriveMasterSK(new Uint8Array(16))).toThrow(
      expect.objectContaining({ code: "DERIVATION_INVALID_SEED" }),
    );
    expect(() => mnemonicToSeed("too short")).toThrow(expect.objectContaining({ code: "DERIVATION_INVALID_SEED" }));
  });
});
