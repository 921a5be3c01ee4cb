// Keystores for --keystore: the Web3 Secret Storage Definition's own test vectors (scrypt and pbkdf2,
// password "testpassword"), EIP-2335 account keystores, and what is refused.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "@mzku/errors";
import { privateKeyToAccount } from "viem/accounts";
import { afterEach, describe, expect, it } from "vitest";
import { keystoreAccount } from "./accounts.js";

/** The secret both spec vectors encrypt. */
const SPEC_KEY = "0x7a28b5ba57c53603b0b07b56bba752f7784bf506fa95edc395f5cf6c7514fe9d";

const PBKDF2_VECTOR = {
  crypto: {
    cipher: "aes-128-ctr",
    cipherparams: { iv: "6087dab2f9fdbbfaddc31a909735c1e6" },
    ciphertext: "5318b4d5bcd28de64ee5559e671353e16f075ecae9f99c7a79a38af5f869aa46",
    kdf: "pbkdf2",
    kdfparams: {
      c: 262144,
      dklen: 32,
      prf: "hmac-sha256",
      salt: "ae3cd4e7013836a3df6bd7241b12db061dbe2c6785853cce422d148a624ce0bd",
    },
    mac: "517ead924a9d0dc3124507e3393d175ce3ff7c1e96529c6c555ce9e51205e9b2",
  },
  id: "3198bc9c-6672-5ab3-d995-4942343ae5b6",
  version: 3,
};

const SCRYPT_VECTOR = {
  crypto: {
    cipher: "aes-128-ctr",
    cipherparams: { iv: "83dbcc02d8ccb40e466191a123791e0e" },
    ciphertext: "d172bf743a674da9cdad04534d56926ef8358534d458fffccd4e6ad2fbde479c",
    kdf: "scrypt",
    kdfparams: {
      dklen: 32,
      n: 262144,
      r: 1,
      p: 8,
      salt: "ab0c7876052600dd703518d6fc3fe8984592145b591fc8fb5c6d43190334ba19",
    },
    mac: "2103ac29920d71da29f15d75b4a16dbe95cfd7ff8faea1056c33131d846e3097",
  },
  id: "3198bc9c-6672-5ab3-d995-4942343ae5b6",
  version: 3,
};

const dir = mkdtempSync(join(tmpdir(), "mzku-keystore-test-"));
const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
};
const password = file("pw", "testpassword\n");
const wrong = file("wrong", "testpassworD\n");

/** The UsageError `keystoreAccount` rejects with. */
async function refusal(keystore: string, pw: string | undefined): Promise<UsageError> {
  const error = await keystoreAccount(keystore, pw).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  return error as UsageError;
}

describe("--keystore", () => {
  afterEach(() => {
    delete process.env.MZKU_KEYSTORE_PASSWORD;
  });

  it("decrypts the Web3 Secret Storage spec's pbkdf2 and scrypt vectors to the spec's key", async () => {
    const expected = privateKeyToAccount(SPEC_KEY).address;
    expect((await keystoreAccount(file("pbkdf2.json", PBKDF2_VECTOR), password)).address).toBe(expected);
    process.env.MZKU_KEYSTORE_PASSWORD = "testpassword";
    expect((await keystoreAccount(file("scrypt.json", SCRYPT_VECTOR), undefined)).address).toBe(expected);
  }, 60_000);

  it("a wrong password, a tampered file, a foreign cipher or kdf, a wrong address: one clear refusal", async () => {
    const v3 = file("v3.json", PBKDF2_VECTOR);
    const bad = await refusal(v3, wrong);
    expect([bad.code, bad.message]).toEqual(["BAD_KEYSTORE", `${v3}: cannot decrypt (wrong password?)`]);
    const tampered = file("tampered.json", {
      ...PBKDF2_VECTOR,
      crypto: { ...PBKDF2_VECTOR.crypto, ciphertext: `00${PBKDF2_VECTOR.crypto.ciphertext.slice(2)}` },
    });
    expect((await refusal(tampered, password)).message).toContain("cannot decrypt");
    const cbc = file("cbc.json", { ...PBKDF2_VECTOR, crypto: { ...PBKDF2_VECTOR.crypto, cipher: "aes-128-cbc" } });
    expect((await refusal(cbc, password)).message).toBe(
      `${cbc}: unsupported v3 keystore (cipher aes-128-cbc; expected aes-128-ctr)`,
    );
    const sha512 = file("sha512.json", {
      ...PBKDF2_VECTOR,
      crypto: { ...PBKDF2_VECTOR.crypto, kdfparams: { ...PBKDF2_VECTOR.crypto.kdfparams, prf: "hmac-sha512" } },
    });
    expect((await refusal(sha512, password)).message).toContain("pbkdf2 prf hmac-sha512; expected hmac-sha256");
    const elsewhere = file("address.json", { ...PBKDF2_VECTOR, address: "0000000000000000000000000000000000000001" });
    expect((await refusal(elsewhere, password)).message).toContain("not the address the file names");
  });

  it("refuses what is not a keystore, and a keystore without a password source", async () => {
    const notJson = file("not.json", "hello");
    expect([(await refusal(notJson, password)).code, (await refusal(notJson, password)).message]).toEqual([
      "BAD_KEYSTORE",
      `${notJson}: not JSON`,
    ]);
    const other = file("other.json", { version: 1, hello: "world" });
    expect((await refusal(other, password)).message).toBe(
      `${other}: not a keystore (expected Web3 Secret Storage v3 or EIP-2335)`,
    );
    // vitest's stdin is not a terminal: no prompt, a clear refusal instead.
    const none = await refusal(file("v3b.json", PBKDF2_VECTOR), undefined);
    expect(none.code).toBe("NO_PASSWORD");
    expect((await refusal(join(dir, "missing.json"), password)).code).toBe("BAD_FILE");
  });
});
