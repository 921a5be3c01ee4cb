import { microPool, microPoolFactory, mzkuToken, providerRegistry } from "@mzku/sdk";
import { type ReactNode, useState } from "react";
import { type Address, isAddress } from "viem";
import type { MicroPool, PoolFlow } from "../api.js";
import { dateTime, FillBar } from "../components/charts.js";
import { Field, FormError } from "../components/Field.js";
import { FlowsChart } from "../components/FlowsChart.js";
import { useApp, useLoad } from "../context.js";
import { DashboardError, plainError } from "../errors.js";
import { TxPlan, type TxStep, useTx } from "../tx.js";
import { formatAmount, parseAmount, shortAddress } from "../units.js";

const VALIDATOR_ETH = 32n * 10n ** 18n;

/** The MZKU fee a stake of `value` wei pays: ceil(value × FP / 32 ETH) (docs/micropools.md). */
export function stakeFee(value: bigint, fixedPrice: bigint): bigint {
  return (value * fixedPrice + VALIDATOR_ETH - 1n) / VALIDATOR_ETH;
}

const STAGE_NAMES: Record<string, string> = {
  filling: "filling",
  awaiting_activation: "awaiting activation",
  active: "activated",
  exit_requested: "exit requested",
  completed: "completed",
  cancelled: "cancelled",
};

/** Where a pool is on its way to a validator and back, from the read API (docs/micropools.md). */
function Activation({ pool }: { pool: MicroPool }) {
  const filled = BigInt(pool.providerEth) + BigInt(pool.staked);
  const key = pool.validatorPubkey && (
    <>
      validator key <code data-testid={`pubkey-${pool.poolId}`}>{pool.validatorPubkey}</code>
    </>
  );
  const deposit = pool.activatedBlock !== null && (
    <>
      {" "}
      · 32 ETH deposited to the deposit contract in block {pool.activatedBlock}
      {pool.activatedAt !== null && ` (${dateTime(pool.activatedAt)} UTC)`}
      {pool.activationTx && (
        <>
          , transaction <code title={pool.activationTx}>{`${pool.activationTx.slice(0, 10)}…`}</code>
        </>
      )}{" "}
      · MZKU fees forwarded: {formatAmount(pool.feeToRewardPool ?? "0")} to the Reward Pool,{" "}
      {formatAmount(pool.feeToProvider ?? "0")} to the operator
    </>
  );
  let text: ReactNode;
  switch (pool.stage) {
    case "filling":
      text = `Filling: ${formatAmount(VALIDATOR_ETH - filled)} ETH more makes the validator's 32 ETH.`;
      break;
    case "awaiting_activation":
      text = (
        <>
          Awaiting activation: the pool holds 32 ETH; its operator (provider #{pool.providerId}) runs the threshold-key
          DKG and makes the deposit.{" "}
          {key ? <>Deposit data registered, {key}; deposit not made yet.</> : "No validator key registered yet."}
        </>
      );
      break;
    case "active":
      text = (
        <>
          Activated: {key}
          {deposit}.
        </>
      );
      break;
    case "exit_requested":
      text = (
        <>
          Exit requested{pool.exitRequestedAt !== null && ` on ${dateTime(pool.exitRequestedAt)} UTC`}: {key}
          {deposit}. The pool completes once the validator's balance is back.
        </>
      );
      break;
    case "completed":
      text = <>Completed: the validator exited and the pool settled; aETH is redeemable for ETH. {key}</>;
      break;
    case "cancelled":
      text = "Cancelled before activation: stakers withdraw their ETH and fees.";
      break;
    default:
      text = pool.stage;
  }
  return (
    <p className="activation" data-testid={`activation-${pool.poolId}`} data-stage={pool.stage}>
      {text}
    </p>
  );
}

function Pool({ pool }: { pool: MicroPool }) {
  const { config, account, reader } = useApp();
  const { run } = useTx();
  const [amount, setAmount] = useState("");
  const [to, setTo] = useState("");
  const [send, setSend] = useState("");
  const [back, setBack] = useState("");
  const [error, setError] = useState<string>();
  const address = pool.pool as Address;
  const me = account?.address;
  const mine = useLoad(
    async () =>
      me
        ? {
            aeth: await microPool.balanceOf(reader, { address, args: [me] }),
            claimable: await microPool.claimableOf(reader, { address, args: [me] }),
          }
        : undefined,
    [me, address],
  );
  const filled = BigInt(pool.providerEth) + BigInt(pool.staked);
  const fp = BigInt(pool.fixedPrice);
  let value: bigint | undefined;
  try {
    value = amount.trim() ? parseAmount(amount, "Stake") : undefined;
  } catch {
    value = undefined;
  }
  const fee = value === undefined ? undefined : stakeFee(value, fp);

  const stake = async () => {
    setError(undefined);
    try {
      if (!me) throw new DashboardError("NO_WALLET", "choose an account first");
      const wei = parseAmount(amount, "Stake (ETH)");
      const cost = stakeFee(wei, fp);
      const allowance = await mzkuToken.allowance(reader, {
        address: config.deployment.contracts.MzkuToken,
        args: [me, address],
      });
      const steps: TxStep[] = [];
      if (allowance < cost) {
        steps.push({
          what: `Allow pool #${pool.poolId} to take the ${formatAmount(cost)} MZKU fee`,
          send: (s) =>
            mzkuToken.sendApprove(s, { address: config.deployment.contracts.MzkuToken, args: [address, cost] }),
        });
      }
      steps.push({
        what: `Stake ${formatAmount(wei)} ETH in pool #${pool.poolId} (fee ${formatAmount(cost)} MZKU) for ${formatAmount(wei)} aETH`,
        send: (s) => microPool.sendStake(s, { address, value: wei }),
      });
      await run(steps);
    } catch (e) {
      setError(plainError(e));
    }
  };
  const transfer = () => {
    setError(undefined);
    try {
      if (!isAddress(to)) throw new DashboardError("BAD_INPUT", "Recipient: not an address (0x + 40 hex digits)");
      const wei = parseAmount(send, "aETH to send");
      void run([
        {
          what: `Send ${formatAmount(wei)} aETH of pool #${pool.poolId} to ${shortAddress(to)}`,
          send: (s) => microPool.sendTransfer(s, { address, args: [to, wei] }),
        },
      ]);
    } catch (e) {
      setError(plainError(e));
    }
  };
  return (
    <li className="panel pool" data-pool={pool.poolId}>
      <h3>
        Pool #{pool.poolId} · <a href={`#/providers/${pool.providerId}`}>provider #{pool.providerId}</a> ·{" "}
        {STAGE_NAMES[pool.stage] ?? pool.stage}
      </h3>
      <Activation pool={pool} />
      <FillBar
        value={filled}
        max={VALIDATOR_ETH}
        label={`Pool #${pool.poolId} fill`}
        text={`${formatAmount(filled, 3)} of 32 ETH`}
      />
      <p>
        FP {formatAmount(fp)} MZKU for the whole validator · stakes until {dateTime(pool.endTime)} · {pool.holders}{" "}
        holders · min stake {formatAmount(pool.minStake ?? "0")} ETH · rewards distributed{" "}
        {formatAmount(pool.rewardsDistributed)} ETH
      </p>
      {mine.data && (
        <p data-testid={`mine-${pool.poolId}`}>
          You hold <strong>{formatAmount(mine.data.aeth)} aETH</strong> · claimable rewards{" "}
          {formatAmount(mine.data.claimable)} ETH
        </p>
      )}
      {pool.status === "open" && (
        <div>
          <Field
            label={`ETH to stake in pool #${pool.poolId}`}
            inputMode="decimal"
            value={amount}
            onChange={setAmount}
            hint="You get the same amount of aETH; the fee is paid in MZKU."
          />
          <p data-testid={`fee-${pool.poolId}`}>
            {fee === undefined
              ? "Enter an amount to see the fee."
              : `Fee: ${formatAmount(fee)} MZKU (= ${formatAmount(value ?? 0n)} ETH × FP / 32 ETH, rounded up)`}
          </p>
          <TxPlan
            label="Stake"
            onRun={() => void stake()}
            steps={[
              `Approve the ${fee === undefined ? "" : `${formatAmount(fee)} `}MZKU fee to the pool (skipped if already approved)`,
              `stake: sends the ETH, mints aETH 1:1`,
            ]}
          />
        </div>
      )}
      {mine.data && mine.data.claimable > 0n && (
        <TxPlan
          label="Claim rewards"
          onRun={() =>
            void run([
              {
                what: `Claim ${formatAmount(mine.data?.claimable ?? 0n)} ETH of rewards from pool #${pool.poolId}`,
                send: (s) => microPool.sendClaim(s, { address }),
              },
            ])
          }
          steps={[`claim: pays your ${formatAmount(mine.data.claimable)} ETH of rewards`]}
        />
      )}
      {mine.data && mine.data.aeth > 0n && (
        <>
          <div className="fields">
            <Field label={`Send aETH of pool #${pool.poolId} to`} value={to} onChange={setTo} />
            <Field label="aETH to send" inputMode="decimal" value={send} onChange={setSend} />
          </div>
          <TxPlan label="Send aETH" onRun={transfer} steps={["transfer: aETH is an ERC-20; its rewards follow it"]} />
        </>
      )}
      {mine.data && mine.data.aeth > 0n && pool.status === "open" && (
        <>
          <Field
            label={`aETH to withdraw from pool #${pool.poolId}`}
            inputMode="decimal"
            value={back}
            onChange={setBack}
          />
          <TxPlan
            label="Withdraw before activation"
            onRun={() => {
              setError(undefined);
              try {
                const wei = parseAmount(back, "aETH to withdraw");
                void run([
                  {
                    what: `Withdraw ${formatAmount(wei)} aETH from pool #${pool.poolId}: ${formatAmount(wei)} ETH and ${formatAmount((wei * fp) / (32n * 10n ** 18n))} MZKU of fee back`,
                    send: (s) => microPool.sendWithdraw(s, { address, args: [wei] }),
                  },
                ]);
              } catch (e) {
                setError(plainError(e));
              }
            }}
            steps={[
              "withdraw (while the pool is open): burns the aETH, returns the ETH and the fee's share in MZKU (rounded down)",
            ]}
          />
        </>
      )}
      <FormError error={error} />
    </li>
  );
}

/** A provider opens a micro-pool with its own ETH (at least its share k), running until a chosen day. */
function OpenPool() {
  const { config, account, reader } = useApp();
  const { run } = useTx();
  const c = config.deployment.contracts;
  const me = account?.address;
  const [eth, setEth] = useState("");
  const [days, setDays] = useState("365");
  const [error, setError] = useState<string>();
  const provider = useLoad(async () => {
    if (!me) return undefined;
    const id = await providerRegistry.providerIdOf(reader, { address: c.ProviderRegistry, args: [me] });
    if (id === 0n) return undefined;
    return { id, k: await providerRegistry.ethShareOf(reader, { address: c.ProviderRegistry, args: [id] }) };
  }, [me]);
  if (!provider.data) return null;
  const k = provider.data.k;
  const open = async () => {
    setError(undefined);
    try {
      const value = parseAmount(eth, "Your ETH in the pool");
      if (value < k)
        throw new DashboardError("BAD_AMOUNT", `Your ETH in the pool: at least your share k = ${formatAmount(k)} ETH`);
      const d = Number(days);
      if (!Number.isInteger(d) || d <= 0)
        throw new DashboardError("BAD_INPUT", "Runs for (days): a whole number above 0");
      const { timestamp } = await reader.getBlock();
      const endTime = Number(timestamp) + d * 86_400;
      await run([
        {
          what: `Open a micro-pool with ${formatAmount(value)} ETH, running ${d} days`,
          send: (s) => microPoolFactory.sendOpenPool(s, { address: c.MicroPoolFactory, args: [endTime], value }),
        },
      ]);
    } catch (e) {
      setError(plainError(e));
    }
  };
  return (
    <section className="panel" aria-labelledby="open-pool-title">
      <h2 id="open-pool-title">Open a micro-pool (provider #{String(provider.data.id)})</h2>
      <p className="hint">Your share k: at least {formatAmount(k)} ETH of the 32; investors stake the rest.</p>
      <div className="fields">
        <Field label="Your ETH in the pool" inputMode="decimal" value={eth} onChange={setEth} />
        <Field label="Runs for (days)" inputMode="numeric" value={days} onChange={setDays} />
      </div>
      <TxPlan
        label="Open the pool"
        onRun={() => void open()}
        steps={["openPool: your ETH opens the pool; its fixed price is quoted now for the whole run"]}
      />
      <FormError error={error} />
    </section>
  );
}

/** Micro-pools: fill, stake ETH (fee shown before signing), aETH balance, rewards, claim, transfer. */
export default function Invest() {
  const { api } = useApp();
  const pools = useLoad(() => api.list<MicroPool>("/micro-pools", { limit: 50 }), []);
  const flows = useLoad(() => api.list<PoolFlow>("/pool-flows", { limit: 100 }), []);
  return (
    <>
      <h1>Invest</h1>
      <p className="lead">
        Micro-pools gather 32 ETH for one validator run by a provider. Stake any part: you get aETH 1:1, pay a share of
        the fixed price in MZKU, and earn the validator's rewards pro rata.
      </p>
      {pools.error && (
        <p className="error" role="alert">
          {pools.error}
        </p>
      )}
      {pools.data && pools.data.items.length === 0 && <p className="empty">No micro-pool is open.</p>}
      <ul className="auctions">
        {pools.data?.items.map((p) => (
          <Pool key={p.pool} pool={p} />
        ))}
      </ul>
      <OpenPool />
      <h2>Where the fees go</h2>
      {flows.data && <FlowsChart flows={flows.data.items} />}
    </>
  );
}
