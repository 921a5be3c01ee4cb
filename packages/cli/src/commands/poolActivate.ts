import { readFileSync } from "node:fs";
import { UsageError } from "@mzku/errors";
import { createLogger, resolveLogLevel } from "@mzku/log";
import { depositValidator, microPoolFactory, type ValidatorDepositData } from "@mzku/sdk";
import type { Address, Hex } from "viem";
import { type ChainCommand, type Invocation, opt } from "../cli/command.js";
import type { Context } from "../cli/context.js";
import { readDepositData } from "../cli/depositData.js";
import { CliError } from "../cli/errors.js";
import { formatAmount, parseId } from "../cli/units.js";
import { poolAddress, poolView } from "./pool.js";

/** Genesis fork versions by chain id, for the deposit's signing domain when none is given. */
const FORK_BY_CHAIN: Readonly<Record<number, string>> = {
  1: "mainnet",
  17000: "holesky",
  11155111: "sepolia",
  560048: "hoodi",
  31337: "mainnet", // a devnet: anvil's deposit contract checks no signature; the demo signs so too
};

/** The co-signer that approves the key and the activation (the factory's `coSigner`): signs digests. */
async function coSigner(inv: Invocation): Promise<{ address: Address; sign: (hash: Hex) => Promise<Hex> }> {
  const account = await inv.ctx.accountFrom(
    {
      key: opt(inv, "cosigner-key") ?? process.env.MZKU_COSIGNER_KEY,
      keystore: opt(inv, "cosigner-keystore"),
      passwordFile: opt(inv, "cosigner-password-file"),
      name: opt(inv, "cosigner"),
    },
    {
      key: "--cosigner-key",
      keystore: "--cosigner-keystore",
      name: "--cosigner",
      purpose: "the activation needs the platform co-signer's approval",
    },
  );
  const { sign } = account;
  if (!sign) throw new UsageError("BAD_COSIGNER", `${account.address} cannot sign digests`);
  return { address: account.address, sign: (hash) => sign({ hash }) };
}

/** The deposit's genesis fork version: --fork-version, --network, else the chain's. */
async function forkVersion(inv: Invocation): Promise<string> {
  const signer = await import("@mzku/signer");
  const given = opt(inv, "fork-version");
  const network = opt(inv, "network");
  if (given !== undefined && network !== undefined) {
    throw new UsageError("BAD_ARGUMENT", "give --fork-version or --network, not both");
  }
  if (given !== undefined) {
    try {
      return `0x${Buffer.from(signer.parseForkVersion(given)).toString("hex")}`;
    } catch (cause) {
      throw new UsageError("BAD_ARGUMENT", `--fork-version: "${given}" is not 4 bytes of hex`, { cause });
    }
  }
  const chainId = (await inv.ctx.getChain()).id;
  const name = network ?? FORK_BY_CHAIN[chainId];
  const fork = name === undefined ? undefined : signer.NETWORKS[name];
  if (fork === undefined) {
    throw new UsageError(
      "BAD_ARGUMENT",
      network === undefined
        ? `chain ${chainId} has no known fork version: pass --fork-version or --network`
        : `unknown --network ${network} (${Object.keys(signer.NETWORKS).join(", ")})`,
    );
  }
  return `0x${fork}`;
}

/** This party's side of the DKG (the signer's ceremony, the other parties in their own processes). */
async function runDkg(inv: Invocation, pool: Address, poolId: bigint): Promise<ValidatorDepositData> {
  const need = (name: string) => {
    const value = opt(inv, name);
    if (value === undefined) throw new UsageError("BAD_ARGUMENT", `--definition needs --${name} too (see --help)`);
    return value;
  };
  const readJson = (file: string, what: string): unknown => {
    try {
      return JSON.parse(readFileSync(file, "utf8"));
    } catch (cause) {
      throw new UsageError("BAD_ARGUMENT", `${what}: cannot read ${file} as JSON`, { cause });
    }
  };
  const signer = await import("@mzku/signer");
  const definition = signer.parseDefinition(readJson(need("definition"), "--definition"));
  if (definition.validators !== 1) {
    throw new UsageError("BAD_ARGUMENT", `--definition makes ${definition.validators} validators; a pool runs one`);
  }
  const index = Number(parseId(need("index"), "--index"));
  const outDir = need("out");
  let password: string;
  try {
    password = readFileSync(need("share-password-file"), "utf8").trimEnd();
  } catch (cause) {
    throw new UsageError("BAD_FILE", `--share-password-file: cannot read ${opt(inv, "share-password-file")}`, {
      cause,
    });
  }
  const fork = signer.parseForkVersion(await forkVersion(inv));
  inv.ctx.out.say(
    `Running party ${index} of a ${definition.threshold}-of-${definition.parties.length} DKG for pool ${poolId}'s validator key (the other parties join from their own machines)`,
  );
  try {
    const { depositData } = await signer.runDkgCeremony({
      definition,
      index,
      identity: readJson(need("identity"), "--identity") as Parameters<typeof signer.loadIdentity>[0],
      outDir,
      password,
      kdf: signer.SCRYPT_DEFAULT,
      deposit: {
        withdrawalCredentials: signer.executionWithdrawalCredentials(pool),
        forkVersion: fork,
        amountGwei: signer.FULL_DEPOSIT_GWEI,
      },
      log: createLogger({ component: "pool-dkg", level: resolveLogLevel({ env: process.env }) }),
    });
    const [entry] = depositData ?? [];
    if (!entry) throw new CliError("DKG_FAILED", "the DKG produced no signed deposit");
    inv.ctx.out.say(`  key share written to ${outDir}; the group key signed the deposit (threshold)`);
    return {
      pubkey: `0x${entry.pubkey}`,
      signature: `0x${entry.signature}`,
      depositDataRoot: `0x${entry.deposit_data_root}`,
    };
  } finally {
    await signer.stopKdfWorker();
  }
}

/** Refuses (nothing sent) unless `wallet` operates `pool`, the pool is Open, full and not ended. */
async function requireActivatable(ctx: Context, pool: Address, operator: Address) {
  const view = await poolView(ctx, pool, undefined);
  if (view.state !== "Open") throw new CliError("WRONG_PHASE", `pool ${view.poolId} is ${view.state}, not Open`);
  if (view.operator !== operator) {
    throw new CliError("NOT_OPERATOR", `pool ${view.poolId} is operated by ${view.operator}, not ${operator}`);
  }
  if (view.missing > 0n) {
    throw new CliError(
      "POOL_NOT_FULL",
      `pool ${view.poolId} holds ${formatAmount(32n * 10n ** 18n - view.missing, "ETH")} of 32: investors stake the missing ${formatAmount(view.missing, "ETH")} first (mzku pool stake ${view.poolId} <eth>)`,
    );
  }
  const { timestamp } = await (await ctx.reader()).getBlock();
  if (timestamp >= view.endTime) throw new CliError("WRONG_PHASE", `pool ${view.poolId} ended at ${view.endTime}`);
  return view;
}

const activate: ChainCommand = {
  name: "pool activate",
  summary: "a full pool's validator: threshold key by DKG, deposit data, co-signer approval, 32 ETH deposit",
  options: {
    "deposit-data": { type: "string" },
    definition: { type: "string" },
    identity: { type: "string" },
    index: { type: "string" },
    out: { type: "string" },
    "share-password-file": { type: "string" },
    "fork-version": { type: "string" },
    network: { type: "string" },
    cosigner: { type: "string" },
    "cosigner-key": { type: "string" },
    "cosigner-keystore": { type: "string" },
    "cosigner-password-file": { type: "string" },
  },
  help: `mzku pool activate <pool> --definition <f> --identity <f> --index <i> --out <dir> --share-password-file <f>
                          (--cosigner <name> | --cosigner-key <hex> | --cosigner-keystore <f>) [--fork-version 0x.. | --network n]
mzku pool activate <pool> --deposit-data <file> (--cosigner …)

The pool's operator activates a full pool (32 ETH): its validator key is a threshold key made by a
DKG (mzku keys definition: your party and the platform co-signers' parties; the others run
'mzku keys dkg --withdrawal-address <pool>' on their machines). This command runs your party with the
pool's withdrawal credentials filled in, keeps your key share in --out (EIP-2335 keystores under
--share-password-file) and takes the threshold-signed deposit data from the ceremony; or it takes
deposit data made apart (--deposit-data), checked first (32 ETH, the pool's withdrawal credentials,
the signature, the root). Then the platform co-signer approves the key for this pool and the
activation at the deposit contract's current root (EIP-712; the co-signer account must be the
factory's coSigner), the key is registered and the pool deposits 32 ETH. The fork version defaults
to the chain's (mainnet's genesis fork on a devnet). --dry-run checks everything and sends nothing.

Example:
  mzku keys definition --identities <pk1>,<pk2>,<pk3> --threshold 2 --validators 1 --out def.json
  mzku pool activate 1 --definition def.json --identity id1.json --index 1 --out share1 \\
    --share-password-file pw --cosigner cosigner -a provider1
JSON: { pool, poolId, state, pubkey, depositDataRoot, depositRoot, coSigner, shareDir?, transactionHash }`,
  async run(inv) {
    const { ctx } = inv;
    const fromFile = opt(inv, "deposit-data");
    if ((fromFile === undefined) === (opt(inv, "definition") === undefined)) {
      throw new UsageError(
        "BAD_ARGUMENT",
        "give --definition (run the DKG) or --deposit-data (made apart), one of them",
      );
    }
    const pool = await poolAddress(ctx, inv.positionals[0]);
    const wallet = await ctx.wallet();
    const cosigner = await coSigner(inv);
    const deployment = await ctx.deployment();
    const view = await requireActivatable(ctx, pool, wallet.account.address);
    const expected = await microPoolFactory.coSigner(wallet, { address: deployment.contracts.MicroPoolFactory });
    if (cosigner.address !== expected) {
      throw new UsageError(
        "BAD_COSIGNER",
        `${cosigner.address} is not the pool factory's co-signer (${expected}); pass the co-signer's account`,
      );
    }
    const deposit =
      fromFile !== undefined ? await readDepositData(fromFile, pool) : await runDkg(inv, pool, view.poolId);
    ctx.out.say(
      `Activating pool ${view.poolId}: validator ${deposit.pubkey}, 32 ETH to the deposit contract; co-signer ${cosigner.address} approves the key and the activation`,
    );
    const { depositRoot, receipt } = await depositValidator(wallet, {
      deployment,
      pool,
      deposit,
      coSign: cosigner.sign,
    });
    const after = await poolView(ctx, pool, undefined);
    const shareDir = fromFile === undefined ? opt(inv, "out") : undefined;
    ctx.out.result(
      {
        pool,
        poolId: view.poolId,
        state: after.state,
        pubkey: deposit.pubkey,
        depositDataRoot: deposit.depositDataRoot,
        depositRoot,
        coSigner: cosigner.address,
        ...(shareDir === undefined ? {} : { shareDir }),
        transactionHash: receipt.transactionHash,
      },
      [
        `Pool ${view.poolId} is ${after.state}: 32 ETH deposited for validator ${deposit.pubkey}.`,
        ...(shareDir === undefined ? [] : [`Your key share is in ${shareDir} (keep it and its password safe).`]),
      ],
    );
  },
};

export const poolActivateCommands: ChainCommand[] = [activate];
