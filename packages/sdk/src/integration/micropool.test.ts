// The micro-pool lifecycle [3.2, 3.4.7, 3.6, 3.7] through the sdk on a real anvil, deployed by the
// production deploy script. The validator key comes from a real DKG (2-of-3, in process): it never
// exists whole; its deposit signature is combined from partial signatures.
import { randomBytes } from "node:crypto";
import {
  buildDepositData,
  combineVerifiedPartials,
  DKG_VERSION,
  depositSigningRoot,
  generateIdentity,
  loadIdentity,
  MemoryHub,
  parseDefinition,
  partialSign,
  runDkg,
} from "@mzku/signer";
import { type Hex, keccak256, parseEther } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  depositContract,
  insurancePool,
  microPool,
  microPoolFactory,
  mzkuToken,
  providerRegistry,
} from "../actions/index.js";
import { devAccount } from "../devnet/accounts.js";
import { advanceTime, advanceTimeTo, passProposal, seatInvitedGovernors } from "../devnet/governance.js";
import { qualifyActions, registerProvider, trustTierAction } from "../devnet/providers.js";
import { eip7002Contract } from "../devnet/systemContracts.js";
import { TrustTier } from "../enums.js";
import { decodeEvents, findEvent } from "../events.js";
import * as proposals from "../proposals/index.js";
import { startTestProtocol, type TestProtocol } from "../test/protocol.js";

const E = 10n ** 18n;
const ETH = (n: string) => parseEther(n);

/** A 2-of-3 threshold validator key from a DKG run by three parties in this process. */
async function thresholdValidatorKey() {
  const files = [generateIdentity(), generateIdentity(), generateIdentity()];
  const def = parseDefinition({
    version: DKG_VERSION,
    name: "micropool-test",
    nonce: `0x${randomBytes(16).toString("hex")}`,
    threshold: 2,
    validators: 1,
    parties: files.map((f, k) => ({ index: k + 1, identity: f.publicKey, url: `http://127.0.0.1:${9100 + k}` })),
  });
  const hub = new MemoryHub();
  const results = await Promise.all(
    def.parties.map((party) =>
      runDkg({
        definition: def,
        index: party.index,
        identity: loadIdentity(files[party.index - 1] as (typeof files)[number]),
        transport: hub.transport(party.index),
      }),
    ),
  );
  const key = (i: number) => {
    const v = results[i]?.validators[0];
    if (!v) throw new Error(`party ${i + 1} has no key`);
    return v;
  };
  return {
    groupPublicKey: key(0).groupPublicKey,
    publicShares: new Map(key(0).publicShares.map((share, i) => [i + 1, share] as const)),
    /** Party `index` (1-based) signs `message` with its share only. */
    partial: (index: number, message: Uint8Array) => ({
      index,
      signature: partialSign({ index, secret: key(index - 1).secretShare }, message),
    }),
  };
}

describe("micro-pool lifecycle through the sdk", () => {
  let p: TestProtocol;
  beforeAll(async () => {
    p = await startTestProtocol();
  });
  afterAll(async () => p?.stop());

  it("8 stakers × 4 ETH, threshold-key deposit, rewards, an aETH transfer, a slashing covered by insurance, burn", async () => {
    const c = p.deployment.contracts;
    const reader = p.wallet(0);
    const governors = [p.wallet(1), p.wallet(2), p.wallet(3)];
    const provider = p.wallet(9);
    const stakers = [4, 5, 6, 7, 8, 10, 11, 12].map((i) => p.wallet(i));
    const newcomer = p.wallet(13);
    await seatInvitedGovernors(p.deployment, governors);

    // A trusted provider (k = 0), qualified by governance, with Pmin collateral.
    const id = await registerProvider(p.deployment, provider, { brandName: "Trusty", priceCap: 10_000n * E });
    await passProposal(
      p.deployment,
      governors,
      p.testClient,
      [...qualifyActions(p.deployment, [id]), trustTierAction(p.deployment, id, TrustTier.Trusted, 0n)],
      "qualify Trusty as a trusted provider",
    );
    expect(await providerRegistry.ethShareOf(reader, { address: c.ProviderRegistry, args: [id] })).toBe(0n);

    // The provider opens a pool (its own clone, so its own withdrawal address) with k = 0 ETH.
    const { timestamp } = await reader.getBlock();
    const opened = await microPoolFactory.openPool(provider, {
      address: c.MicroPoolFactory,
      args: [Number(timestamp + 365n * 86_400n)],
    });
    const { pool } = opened;
    expect(await microPoolFactory.getPools(reader, { address: c.MicroPoolFactory, args: [0n, 1n] })).toEqual([pool]);
    expect(opened.logs.some((l) => l.address.toLowerCase() === pool.toLowerCase())).toBe(true);
    const fp = await microPool.fixedPrice(reader, { address: pool });
    expect(fp).toBeGreaterThan(0n);

    // 8 stakers × 4 ETH: aETH 1:1 at once; each pays exactly 4/32 × FP in MZKU.
    for (const [i, s] of stakers.entries()) {
      await mzkuToken.approve(s, { address: c.MzkuToken, args: [pool, fp] });
      const before = await mzkuToken.balanceOf(reader, { address: c.MzkuToken, args: [s.account.address] });
      await microPool.stake(s, { address: pool, value: ETH("4") });
      const after = await mzkuToken.balanceOf(reader, { address: c.MzkuToken, args: [s.account.address] });
      expect(before - after, `staker ${i} pays 4/32 × FP`).toBe((fp * 4n) / 32n);
      expect(await microPool.balanceOf(reader, { address: pool, args: [s.account.address] }), `staker ${i} aETH`).toBe(
        ETH("4"),
      );
    }
    expect(await microPool.totalSupply(reader, { address: pool })).toBe(ETH("32"));

    // Deposit data for the threshold key, withdrawal credentials = 0x01 ‖ 0…0 ‖ pool.
    const credentials = await microPool.withdrawalCredentials(reader, { address: pool });
    expect(credentials.toLowerCase()).toBe(`0x01${"0".repeat(22)}${pool.slice(2).toLowerCase()}`);
    const key = await thresholdValidatorKey();
    const forkVersion = new Uint8Array(4);
    const message = {
      pubkey: key.groupPublicKey,
      withdrawalCredentials: Buffer.from(credentials.slice(2), "hex"),
      amountGwei: 32_000_000_000n,
    };
    const root = depositSigningRoot(message, forkVersion);
    const { signature } = combineVerifiedPartials({
      groupPublicKey: key.groupPublicKey,
      publicShares: key.publicShares,
      threshold: 2,
      message: root,
      partials: [key.partial(1, root), key.partial(3, root)], // the provider's and one platform co-signer's
    });
    const deposit = buildDepositData({ ...message, signature, forkVersion });
    const pubkey = `0x${deposit.pubkey}` as Hex;
    const sig = `0x${deposit.signature}` as Hex;
    const dataRoot = `0x${deposit.deposit_data_root}` as Hex;
    // The platform co-signer approves this key for this pool (EIP-712), then the operator registers it.
    const digest = await microPoolFactory.depositKeyDigest(reader, {
      address: c.MicroPoolFactory,
      args: [pool, keccak256(pubkey), dataRoot],
    });
    const coSignature = await devAccount(18).sign({ hash: digest });
    await microPool.setDepositData(provider, { address: pool, args: [pubkey, sig, dataRoot, coSignature] });
    // Front-running guard: the co-signer checks that no deposit exists for the key at the deposit
    // contract's current root and signs it; activation deposits only while the root is unchanged.
    const depositRoot = await depositContract.get_deposit_root(reader, { address: c.DepositContract });
    const activationDigest = await microPoolFactory.activationDigest(reader, {
      address: c.MicroPoolFactory,
      args: [pool, keccak256(pubkey), depositRoot],
    });
    const activationApproval = await devAccount(18).sign({ hash: activationDigest });
    const activated = await microPool.activate(reader, {
      address: pool,
      args: [pubkey, sig, depositRoot, activationApproval],
    });
    const contracts = { ...c, MicroPool: pool };
    const events = decodeEvents(activated.logs, contracts);
    expect(findEvent(events, "DepositContract", "DepositEvent")?.args.pubkey).toBe(pubkey);
    expect(findEvent(events, "MicroPool", "Activated")?.args.depositDataRoot).toBe(dataRoot);
    expect(await reader.getBalance({ address: c.DepositContract })).toBe(ETH("32"));

    // Rewards arrive (a consensus-layer withdrawal runs no code: the balance just grows).
    const grow = async (amount: bigint) =>
      p.testClient.setBalance({ address: pool, value: (await reader.getBalance({ address: pool })) + amount });
    // `distribute` takes at most MAX_REWARD_PER_SECOND per second since the last one: wait for 1 ETH.
    const rate = await microPool.MAX_REWARD_PER_SECOND(reader, { address: pool });
    const waitFor = (amount: bigint) => advanceTime(p.testClient, reader, amount / rate + 1n);
    await grow(ETH("1"));
    await waitFor(ETH("1"));
    await microPool.distribute(reader, { address: pool });
    for (const [i, s] of stakers.entries()) {
      expect(await microPool.claimableOf(reader, { address: pool, args: [s.account.address] }), `staker ${i}`).toBe(
        ETH("0.1"),
      );
    }
    const first = stakers[0];
    const second = stakers[1];
    if (!first || !second) throw new Error("stakers");
    const claimed = await microPool.claim(first, { address: pool });
    expect(findEvent(decodeEvents(claimed.logs, contracts), "MicroPool", "Claimed")).toBeDefined();

    // Half-way aETH transfer: earned rewards stay, future ones follow the aETH.
    await microPool.transfer(second, { address: pool, args: [newcomer.account.address, ETH("2")] });
    await grow(ETH("1"));
    await waitFor(ETH("1"));
    await microPool.distribute(reader, { address: pool });
    expect(await microPool.claimableOf(reader, { address: pool, args: [second.account.address] })).toBe(ETH("0.15"));
    expect(await microPool.claimableOf(reader, { address: pool, args: [newcomer.account.address] })).toBe(ETH("0.05"));

    // After the end time anyone may make the pool (the 0x01 withdrawal address) request the validator's
    // full exit from the EIP-7002 contract, which the devnet runs at its mainnet address on Prague.
    const { address: requestContract } = eip7002Contract();
    await advanceTimeTo(p.testClient, BigInt(await microPool.endTime(reader, { address: pool })));
    const feeWord = await reader.call({ to: requestContract });
    const fee = BigInt(feeWord.data ?? "0x0");
    expect(fee).toBe(1n);
    const exitRequest = await microPool.requestExit(newcomer, { address: pool, args: [pubkey, sig], value: fee });
    const queued = exitRequest.logs.find((l) => l.address.toLowerCase() === requestContract.toLowerCase());
    expect(queued?.data, "the system contract queued pool ‖ pubkey ‖ amount 0").toBe(
      `${pool.toLowerCase()}${pubkey.slice(2)}${"00".repeat(8)}`,
    );
    expect(await microPool.exitRequested(reader, { address: pool })).toBe(true);

    // Slashing: the validator exits with 31 ETH; k = 0, so the Insurance Pool compensates the stakers.
    await insurancePool.depositEth(p.wallet(19), { address: c.InsurancePool, value: ETH("5") });
    await grow(ETH("31"));
    // A loss is settled only LOSS_SETTLEMENT_DELAY after the exit became expected (here: the end time).
    await advanceTimeTo(p.testClient, await microPool.settleableAfterLoss(reader, { address: pool }));
    await passProposal(
      p.deployment,
      governors,
      p.testClient,
      [proposals.microPool.complete({ address: pool })],
      "complete the slashed pool",
    );
    expect(await microPool.redemptionPot(reader, { address: pool })).toBe(ETH("32"));

    // Burn aETH for ETH: 1 ETH per aETH, the loss covered.
    for (const [i, s] of [...stakers, newcomer].entries()) {
      const held = await microPool.balanceOf(reader, { address: pool, args: [s.account.address] });
      const receipt = await microPool.redeem(s, { address: pool, args: [held] });
      const redeemed = findEvent(decodeEvents(receipt.logs, contracts), "MicroPool", "Redeemed");
      expect(redeemed?.args.eth, `holder ${i}`).toBe(held);
    }
    expect(await microPool.totalSupply(reader, { address: pool })).toBe(0n);
  });
});
