import { ssz } from "@lodestar/types";
import { depositContract, microPool, microPoolFactory, mzkuToken, TrustTier } from "@mzku/sdk";
import {
  advanceTime,
  devAccount,
  passProposal,
  qualifyActions,
  registerProvider,
  trustTierAction,
} from "@mzku/sdk/devnet";
import { keccak256, parseEther, toHex } from "viem";
import { roles } from "./deployed.mjs";

const E = 10n ** 18n;

/** A trusted provider's pool (k = 0) with 8 stakers × 4 ETH, activated with deposit data for the pool's
 *  credentials (the gas of these calls does not depend on the key, so the bench uses fixed bytes; the
 *  tests use a DKG threshold key). Measures: the second staker's stake (a new staker, aETH minted, MZKU
 *  fee taken), a claim by a holder who claimed before, and an aETH transfer between two holders minus an
 *  MZKU transfer between two holders. */
export const pool = {
  name: "pool.stake_claim_transfer",
  description: "trusted provider pool; 2nd of 8 stakers measured; claim after an earlier claim; aETH vs MZKU transfer",
  async run({ deployment, contracts: c, wallet, testClient }) {
    const reader = wallet(0);
    const governors = roles.governors.map(wallet);
    const provider = wallet(53); // a dev account with no role in the steady state
    await mzkuToken.transfer(reader, { address: c.MzkuToken, args: [provider.account.address, 20_000n * E] });
    const id = await registerProvider(deployment, provider, { brandName: "Trusty", priceCap: 10_000n * E });
    await passProposal(
      deployment,
      governors,
      testClient,
      [...qualifyActions(deployment, [id]), trustTierAction(deployment, id, TrustTier.Trusted, 0n)],
      "qualify Trusty as a trusted provider",
    );
    const { timestamp } = await reader.getBlock();
    // A first pool warms the factory's counters.
    await microPoolFactory.openPool(provider, {
      address: c.MicroPoolFactory,
      args: [Number(timestamp + 86_400n * 365n)],
    });
    await microPoolFactory.openPool(provider, {
      address: c.MicroPoolFactory,
      args: [Number(timestamp + 86_400n * 365n)],
    });
    const [, address] = await microPoolFactory.getPools(reader, { address: c.MicroPoolFactory, args: [0n, 2n] });
    const fp = await microPool.fixedPrice(reader, { address });
    const stakers = [4, 5, 6, 7, 8, 10, 11, 12].map((i) => wallet(i));
    const stakes = [];
    for (const s of stakers) {
      await mzkuToken.approve(s, { address: c.MzkuToken, args: [address, fp] });
      stakes.push(await microPool.stake(s, { address, value: parseEther("4") }));
    }

    const credentials = await microPool.withdrawalCredentials(reader, { address });
    const pubkey = toHex(new Uint8Array(48).fill(0xa1));
    const signature = toHex(new Uint8Array(96).fill(0xb2));
    const root = toHex(
      ssz.phase0.DepositData.hashTreeRoot({
        pubkey: Buffer.from(pubkey.slice(2), "hex"),
        withdrawalCredentials: Buffer.from(credentials.slice(2), "hex"),
        amount: 32_000_000_000,
        signature: Buffer.from(signature.slice(2), "hex"),
      }),
    );
    const digest = await microPoolFactory.depositKeyDigest(reader, {
      address: c.MicroPoolFactory,
      args: [address, keccak256(pubkey), root],
    });
    const coSignature = await devAccount(18).sign({ hash: digest });
    await microPool.setDepositData(provider, { address, args: [pubkey, signature, root, coSignature] });
    const depositRoot = await depositContract.get_deposit_root(reader, { address: c.DepositContract });
    const activation = await devAccount(18).sign({
      hash: await microPoolFactory.activationDigest(reader, {
        address: c.MicroPoolFactory,
        args: [address, keccak256(pubkey), depositRoot],
      }),
    });
    await microPool.activate(reader, { address, args: [pubkey, signature, depositRoot, activation] });

    const grow = async (amount) =>
      testClient.setBalance({ address, value: (await reader.getBalance({ address })) + amount });
    // distribute takes at most MAX_REWARD_PER_SECOND per second since the last one: wait for 1 ETH.
    const rate = await microPool.MAX_REWARD_PER_SECOND(reader, { address });
    await grow(parseEther("1"));
    await advanceTime(testClient, reader, parseEther("1") / rate + 1n);
    await microPool.distribute(reader, { address });
    await microPool.claim(stakers[0], { address });
    await grow(parseEther("1"));
    await advanceTime(testClient, reader, parseEther("1") / rate + 1n);
    await microPool.distribute(reader, { address });
    const claim = await microPool.claim(stakers[0], { address });

    const aeth = await microPool.transfer(stakers[2], { address, args: [stakers[3].account.address, parseEther("1")] });
    const mzku = await mzkuToken.transfer(stakers[2], { address: c.MzkuToken, args: [stakers[3].account.address, E] });
    return {
      "gas.pool.stake": stakes[1].gasUsed,
      "gas.pool.claim": claim.gasUsed,
      "gas.aeth.transfer": aeth.gasUsed,
      "gas.aeth.transfer_overhead": aeth.gasUsed - mzku.gasUsed,
    };
  },
};
