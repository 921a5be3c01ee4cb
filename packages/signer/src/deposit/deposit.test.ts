import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fromHex, toHex, toHexBare } from "../bls/bytes.js";
import { combinePartials, combineVerifiedPartials, partialSign } from "../bls/threshold.js";
import { deriveKeyFromSeed, mnemonicToSeed } from "../keystore/derive.js";
import { splitSecret } from "../testing/index.js";
import {
  buildDepositData,
  depositDomain,
  depositSigningRoot,
  executionWithdrawalCredentials,
  parseForkVersion,
} from "./deposit.js";

const VECTORS = join(import.meta.dirname, "../../../../vectors");
interface Case {
  name: string;
  signing_key_path: string;
  pubkey: string;
  withdrawal_credentials: string;
  amount: number;
  signature: string;
  deposit_message_root: string;
  deposit_data_root: string;
  fork_version: string;
  network_name: string;
  deposit_cli_version: string;
  eth1_withdrawal_address?: string;
  computed: { domain: string; signing_root: string };
}
const data = JSON.parse(readFileSync(join(VECTORS, "deposit/deposit_data_cases.json"), "utf8")) as {
  mnemonic: string;
  bip39_passphrase: string;
  cases: Case[];
};
const seed = mnemonicToSeed(data.mnemonic, data.bip39_passphrase);

describe("deposit vectors, signed as threshold keys", () => {
  it("has all 22 entries", () => expect(data.cases.length).toBe(22));

  it.each(data.cases.map((c) => [c.name, c] as const))(
    "%s: 3-of-4 threshold signature equals the vector byte for byte",
    (_n, c) => {
      const secret = deriveKeyFromSeed(seed, c.signing_key_path);
      const dealt = splitSecret(secret, 3, 4); // test-only dealer: the vector key split into shares
      expect(toHexBare(dealt.groupPublicKey)).toBe(c.pubkey);
      const forkVersion = parseForkVersion(c.fork_version);
      const input = {
        pubkey: dealt.groupPublicKey,
        withdrawalCredentials: fromHex(c.withdrawal_credentials),
        amountGwei: BigInt(c.amount),
      };
      if (c.eth1_withdrawal_address)
        expect(toHexBare(executionWithdrawalCredentials(c.eth1_withdrawal_address))).toBe(c.withdrawal_credentials);
      expect(toHex(depositDomain(forkVersion))).toBe(c.computed.domain);
      const root = depositSigningRoot(input, forkVersion);
      expect(toHex(root)).toBe(c.computed.signing_root);
      const partials = dealt.shares.map((s) => ({ index: s.index, signature: partialSign(s, root) }));
      const { signature, used } = combineVerifiedPartials({
        groupPublicKey: dealt.groupPublicKey,
        publicShares: new Map(dealt.publicShares.map((p) => [p.index, p.publicKey])),
        threshold: 3,
        message: root,
        partials: [partials[3], partials[1], partials[0]] as never,
      });
      expect(used).toEqual([4, 2, 1]);
      const json = buildDepositData({ ...input, signature, forkVersion });
      const { name: _a, computed: _b, ...rest } = c;
      expect(json).toEqual({
        pubkey: rest.pubkey,
        withdrawal_credentials: rest.withdrawal_credentials,
        amount: rest.amount,
        signature: rest.signature,
        deposit_message_root: rest.deposit_message_root,
        deposit_data_root: rest.deposit_data_root,
        fork_version: rest.fork_version,
        network_name: rest.network_name,
        deposit_cli_version: rest.deposit_cli_version,
      });
      // two shares are not enough
      expect(() =>
        buildDepositData({ ...input, signature: combinePartials(partials.slice(0, 2)), forkVersion }),
      ).toThrow(expect.objectContaining({ code: "DEPOSIT_BAD_SIGNATURE" }));
    },
  );

  it("rejects bad input with typed errors", () => {
    expect(() => parseForkVersion("0x0000")).toThrow(expect.objectContaining({ code: "DEPOSIT_INVALID_INPUT" }));
    expect(() => executionWithdrawalCredentials("0x1234")).toThrow(
      expect.objectContaining({ code: "DEPOSIT_INVALID_INPUT" }),
    );
    expect(() =>
      depositSigningRoot(
        { pubkey: new Uint8Array(48), withdrawalCredentials: new Uint8Array(32), amountGwei: 1n },
        new Uint8Array(4),
      ),
    ).toThrow(expect.objectContaining({ code: "DEPOSIT_INVALID_INPUT" }));
  });
});
