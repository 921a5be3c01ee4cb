/**
 * A micro-pool's validator leaves the beacon chain at the pool's end time [3.2, 3.7]:
 *
 * 1. **What the pool knows** (`readMicroPoolValidator`): the pool must be Active and its end time
 *    passed (chain time); the validator's key is the one registered in `DepositDataSet`, checked
 *    against the pool's `depositDataHash`. The pool needs no transaction for a voluntary exit: from its
 *    end time on it already expects the principal (`distribute` is closed, a loss is settleable
 *    `LOSS_SETTLEMENT_DELAY` after the end time) and `complete()` settles when the ETH arrives.
 * 2. **Voluntary exit, signed by the threshold signers** (`exitMicroPoolValidator`): the head state
 *    names the validator's index, fork and epoch; the combiner is asked for the `VOLUNTARY_EXIT`
 *    signature (with the signing root computed here, so a signer that computes another refuses); the
 *    signature is verified with Lodestar's libraries under the domain the chain uses — from Deneb on
 *    the Capella domain (EIP-7044) — and the `SignedVoluntaryExit` is handed to the beacon node.
 * 3. **EIP-7002 fallback** (`requestMicroPoolExit`): when the signers cannot sign, anyone may make the
 *    pool — the validator's 0x01 withdrawal address — ask the execution layer's withdrawal request
 *    contract for a full exit (`MicroPool.requestExit`, paying the contract's fee). No signer involved.
 */
import { type Address, type Client, concat, type Hex, keccak256, type TransactionReceipt } from "viem";
import { call, getBlock, getContractEvents } from "viem/actions";
import { microPoolAbi } from "../../abis.js";
import * as microPool from "../../actions/microPool/index.js";
import { MicroPoolState } from "../../enums.js";
import { MzkuError } from "../../errors.js";
import { BeaconApi, type SignedVoluntaryExitJson } from "./beaconApi.js";
import { exitChainConfig, exitSigningRoot, verifyExitSignature } from "./exitDomain.js";
import { type ExitSignerOptions, requestExitSignature } from "./exitSigner.js";

export type MicroPoolValidator = {
  pool: Address;
  pubkey: Hex;
  /** The deposit signature registered with it (`requestExit` takes both). */
  depositSignature: Hex;
  endTime: bigint;
  exitRequested: boolean;
};

const stateName = (s: number) => Object.entries(MicroPoolState).find(([, v]) => v === s)?.[0] ?? `state ${s}`;

/**
 * The validator of an Active micro-pool whose end time has passed, as the pool registered it. Refuses
 * (MzkuError) a pool in another state, before its end time, or without registered deposit data.
 * `fromBlock`: where to start looking for the pool's `DepositDataSet` event (the deployment's start block).
 */
export async function readMicroPoolValidator(
  client: Client,
  pool: Address,
  options: { fromBlock?: bigint } = {},
): Promise<MicroPoolValidator> {
  const state = await microPool.state(client, { address: pool });
  if (state !== MicroPoolState.Active) {
    throw new MzkuError(
      "EXIT_POOL_NOT_ACTIVE",
      `pool ${pool} is ${stateName(state)}, not Active: it has no running validator`,
      {
        details: { pool, state: stateName(state) },
      },
    );
  }
  const endTime = BigInt(await microPool.endTime(client, { address: pool }));
  const { timestamp } = await getBlock(client, { blockTag: "latest" });
  if (timestamp < endTime) {
    throw new MzkuError(
      "EXIT_NOT_DUE",
      `pool ${pool} ends at ${new Date(Number(endTime) * 1000).toISOString()} (chain time now ${new Date(Number(timestamp) * 1000).toISOString()}); its validator exits only from then`,
      { details: { pool, endTime: endTime.toString(), now: timestamp.toString() } },
    );
  }
  const events = await getContractEvents(client, {
    address: pool,
    abi: microPoolAbi,
    eventName: "DepositDataSet",
    fromBlock: options.fromBlock ?? 0n,
    toBlock: "latest",
  });
  const last = events.at(-1);
  if (last === undefined) {
    throw new MzkuError(
      "EXIT_DEPOSIT_DATA_NOT_FOUND",
      `pool ${pool} has no DepositDataSet event since block ${options.fromBlock ?? 0n}`,
      {
        details: { pool },
      },
    );
  }
  const { pubkey, signature } = last.args as { pubkey: Hex; signature: Hex };
  const registered = await microPool.depositDataHash(client, { address: pool });
  if (keccak256(concat([pubkey, signature])) !== registered) {
    throw new MzkuError(
      "EXIT_DEPOSIT_DATA_NOT_FOUND",
      `pool ${pool}: the last DepositDataSet event does not match its depositDataHash`,
      {
        details: { pool, pubkey },
      },
    );
  }
  const exitRequested = await microPool.exitRequested(client, { address: pool });
  return { pool, pubkey, depositSignature: signature, endTime, exitRequested };
}

export type MicroPoolExitOptions = {
  /** Reads the pool (a viem public client on the pool's chain). */
  client: Client;
  pool: Address;
  /** Beacon node API base URL. */
  beaconUrl: string;
  /** The threshold signer's combiner. */
  signer: ExitSignerOptions;
  fromBlock?: bigint;
};

export type MicroPoolExitResult = {
  pool: Address;
  pubkey: Hex;
  validatorIndex: string;
  /** `submitted`: the beacon node took the signed exit; `already_exiting`: nothing to do. */
  outcome: "submitted" | "already_exiting";
  /** The validator's status in the head state before anything was sent. */
  status: string;
  exit?: SignedVoluntaryExitJson & { domain: string; forkVersion: string; signingRoot: string };
};

/** Beacon API statuses from which the validator is leaving or gone already. */
const LEAVING = /^(active_exiting|active_slashed|exited_|withdrawal_)/;

/** The voluntary exit of a micro-pool's validator, signed by the threshold signers (see the file's comment). */
export async function exitMicroPoolValidator(options: MicroPoolExitOptions): Promise<MicroPoolExitResult> {
  const { pool, pubkey } = await readMicroPoolValidator(options.client, options.pool, {
    ...(options.fromBlock === undefined ? {} : { fromBlock: options.fromBlock }),
  });
  const beacon = new BeaconApi(options.beaconUrl);
  const validator = await beacon.validator(pubkey);
  if (validator === undefined) {
    throw new MzkuError(
      "EXIT_UNKNOWN_VALIDATOR",
      `validator ${pubkey} of pool ${pool} is not in the beacon node's head state`,
      {
        details: { pool, pubkey, beaconUrl: beacon.url },
      },
    );
  }
  const base = { pool, pubkey, validatorIndex: validator.index, status: validator.status };
  if (LEAVING.test(validator.status)) return { ...base, outcome: "already_exiting" };
  if (validator.status !== "active_ongoing") {
    throw new MzkuError(
      "EXIT_VALIDATOR_NOT_ACTIVE",
      `validator ${validator.index} of pool ${pool} is ${validator.status}, not active: it cannot exit yet`,
      {
        details: { pool, pubkey, status: validator.status },
      },
    );
  }
  const [genesisValidatorsRoot, spec, fork, headSlot] = await Promise.all([
    beacon.genesisValidatorsRoot(),
    beacon.spec(),
    beacon.headFork(),
    beacon.headSlot(),
  ]);
  const slotsPerEpoch = BigInt(String(spec.SLOTS_PER_EPOCH ?? "32"));
  const epoch = headSlot / slotsPerEpoch;
  const message = { epoch, validatorIndex: BigInt(validator.index) };
  const config = exitChainConfig(spec, genesisValidatorsRoot);
  const root = exitSigningRoot(config, message, epoch);
  const signature = await requestExitSignature(options.signer, {
    pubkey,
    fork,
    genesisValidatorsRoot,
    epoch,
    validatorIndex: message.validatorIndex,
    signingRoot: root.signingRoot,
  });
  if (!verifyExitSignature(pubkey, root.signingRoot, signature)) {
    throw new MzkuError(
      "EXIT_SIGNATURE_INVALID",
      `the signer's exit signature for ${pubkey} does not verify under domain ${root.domain} (fork version ${root.forkVersion})`,
      { details: { pool, pubkey, domain: root.domain, signingRoot: root.signingRoot } },
    );
  }
  const signed: SignedVoluntaryExitJson = {
    message: { epoch: epoch.toString(), validator_index: validator.index },
    signature,
  };
  await beacon.submitVoluntaryExit(signed);
  return { ...base, outcome: "submitted", exit: { ...signed, ...root } };
}

/**
 * The EIP-7002 path: the pool, as the validator's withdrawal address, asks the withdrawal request
 * contract for a full exit; `wallet` pays the contract's current fee (read with a plain call to it).
 */
export async function requestMicroPoolExit(
  client: Client,
  wallet: Client,
  pool: Address,
  options: { fromBlock?: bigint } = {},
): Promise<{ receipt: TransactionReceipt; fee: bigint; pubkey: Hex }> {
  const v = await readMicroPoolValidator(client, pool, options);
  const requestContract = await microPool.WITHDRAWAL_REQUEST_CONTRACT(client, { address: pool });
  let fee: bigint;
  try {
    const { data } = await call(client, { to: requestContract });
    fee = BigInt(data ?? "0x0");
  } catch (error) {
    throw new MzkuError(
      "EXIT_REQUEST_UNAVAILABLE",
      `the EIP-7002 request contract ${requestContract} did not answer a fee (is the chain before Prague?)`,
      {
        details: { pool, requestContract },
        cause: error,
      },
    );
  }
  const receipt = await microPool.requestExit(wallet, {
    address: pool,
    args: [v.pubkey, v.depositSignature],
    value: fee,
  });
  return { receipt, fee, pubkey: v.pubkey };
}
