// `pool activate --deposit-data`: a deposit made apart is checked before anything is sent.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "@mzku/errors";
import {
  buildDepositData,
  depositSigningRoot,
  executionWithdrawalCredentials,
  secretKeyToPublicKey,
  sign,
} from "@mzku/signer";
import { describe, expect, it } from "vitest";
import { readDepositData } from "./depositData.js";

const POOL = "0x00000000000000000000000000000000000000aa";
const OTHER = "0x00000000000000000000000000000000000000bb";
const FORK = new Uint8Array(4);
const dir = mkdtempSync(join(tmpdir(), "mzku-deposit-data-"));

/** Deposit data for `pool`, signed by a fresh (non-threshold) key: the format is the same. */
function depositFor(pool: string, amountGwei = 32_000_000_000n) {
  const secret = new Uint8Array(32);
  secret[31] = 7;
  const pubkey = secretKeyToPublicKey(secret);
  const message = { pubkey, withdrawalCredentials: executionWithdrawalCredentials(pool), amountGwei };
  return buildDepositData({
    ...message,
    signature: sign(secret, depositSigningRoot(message, FORK)),
    forkVersion: FORK,
  });
}

const write = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(content));
  return path;
};

async function refusal(file: string): Promise<string> {
  const error = await readDepositData(file, POOL).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(UsageError);
  expect((error as UsageError).code).toBe("BAD_DEPOSIT_DATA");
  return (error as UsageError).message;
}

describe("deposit data for pool activate", () => {
  it("reads the deposit_data file keys dkg writes (an array of one) and returns what the pool registers", async () => {
    const entry = depositFor(POOL);
    const read = await readDepositData(write("ok.json", [entry]), POOL);
    expect(read).toEqual({
      pubkey: `0x${entry.pubkey}`,
      signature: `0x${entry.signature}`,
      depositDataRoot: `0x${entry.deposit_data_root}`,
    });
    expect((await readDepositData(write("single.json", entry), POOL)).pubkey).toBe(`0x${entry.pubkey}`);
  });

  it("refuses another pool's credentials, a bad signature, a wrong root, not 32 ETH, two validators", async () => {
    const mine = depositFor(POOL);
    const theirs = depositFor(OTHER);
    const other = write("other.json", [theirs]);
    expect(await refusal(other)).toBe(
      `${other}: made for withdrawal credentials 0x${theirs.withdrawal_credentials}, not pool ${POOL}'s 0x${mine.withdrawal_credentials}`,
    );
    // The other pool's signature over this pool's credentials: the root is recomputed, the signature fails.
    const forged = write("forged.json", [{ ...theirs, withdrawal_credentials: mine.withdrawal_credentials }]);
    expect(await refusal(forged)).toContain("deposit signature does not verify under the validator public key");
    const root = write("root.json", [{ ...mine, deposit_data_root: "00".repeat(32) }]);
    expect(await refusal(root)).toBe(
      `${root}: deposit_data_root is 0x${"00".repeat(32)}, the data's is 0x${mine.deposit_data_root}`,
    );
    const small = write("small.json", [depositFor(POOL, 1_000_000_000n)]);
    expect(await refusal(small)).toBe(`${small}: amount is 1000000000 Gwei; a validator needs 32 ETH`);
    const two = write("two.json", [mine, mine]);
    expect(await refusal(two)).toBe(`${two}: holds 2 validators; a pool runs one`);
    const notHex = write("nothex.json", [{ ...mine, pubkey: "xyz" }]);
    expect(await refusal(notHex)).toBe(`${notHex}: pubkey is missing or not hex`);
    expect(await refusal(join(dir, "missing.json"))).toBe(`${join(dir, "missing.json")}: cannot read it as JSON`);
  });
});
