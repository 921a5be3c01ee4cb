import type { Address, TransactionReceipt } from "viem";
import { microPool } from "../actions/index.js";
import type { Deployment } from "../deployment.js";
import { ensureMzkuAllowance, type SigningClient } from "./allowance.js";

/** MZKU a stake of `eth` wei in a pool costs: its share of the pool's fixed price, `eth / 32 ETH × FP` rounded up. */
export async function poolStakeCost(client: SigningClient, pool: Address, eth: bigint): Promise<bigint> {
  const [fixedPrice, validatorEth] = await Promise.all([
    microPool.fixedPrice(client, { address: pool }),
    microPool.VALIDATOR_ETH(client, { address: pool }),
  ]);
  return (fixedPrice * eth + validatorEth - 1n) / validatorEth;
}

/**
 * Stakes `eth` wei in micro-pool `pool` (aETH 1:1), approving the pool for the stake's share of the
 * fixed price in MZKU first. Returns the MZKU the stake paid.
 */
export async function stakeInPool(
  wallet: SigningClient,
  deployment: Deployment,
  pool: Address,
  eth: bigint,
): Promise<{ mzkuPaid: bigint; receipt: TransactionReceipt }> {
  const cost = await poolStakeCost(wallet, pool, eth);
  await ensureMzkuAllowance(wallet, deployment, pool, cost);
  const receipt = await microPool.stake(wallet, { address: pool, value: eth });
  return { mzkuPaid: cost, receipt };
}
