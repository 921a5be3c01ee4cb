import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { isCodedError, UsageError } from "@mzku/errors";
import type { Logger } from "@mzku/log";
import { type Address, createPublicClient, createWalletClient, type Hex, http, isAddress, isHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

export const poolUsage = `mzku pool exit --pool <address> --beacon-url <url> --signer-url <url> [options]

The voluntary exit of a micro-pool's validator once the pool's end time has passed [3.2, 3.7]: reads
the pool (Active, end time passed, the key registered in DepositDataSet), asks the threshold signer's
combiner for the VOLUNTARY_EXIT signature, verifies it with Lodestar's libraries under the domain the
chain uses (the Capella domain from Deneb on, EIP-7044) and submits it to the beacon node. Prints one
JSON line on stdout (outcome submitted or already_exiting).

Options:
  --rpc-url <url>            JSON-RPC of the pool's chain (default http://127.0.0.1:8545)
  --from-block <n>           where to look for the pool's DepositDataSet event (default 0)
  --signer-token-file <f>    bearer token of the combiner
  --request-exit             if the signers cannot sign, make the pool request the exit through
                             EIP-7002 instead (MicroPool.requestExit; needs --private-key-file)
  --private-key-file <f>     0x-hex key of the account that pays the EIP-7002 fee and gas

Example:
  mzku pool exit --pool 0x5FbDB2315678afecb367f032d93F642f64180aa3 --beacon-url http://127.0.0.1:5052 \\
    --signer-url https://127.0.0.1:9000 --signer-token-file token`;

/** Failures of the signers after which the EIP-7002 request is the way out. */
const SIGNER_FAILURES = ["SIGNER_UNREACHABLE", "SIGNER_UNKNOWN_KEY", "SIGNER_REFUSED", "EXIT_SIGNATURE_INVALID"];

export async function pool(argv: string[], log: Logger): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub !== "exit") throw new UsageError("USAGE", `usage: ${poolUsage.split("\n")[0]}`);
  const { values } = parseArgs({
    args: rest,
    options: {
      pool: { type: "string" },
      "beacon-url": { type: "string" },
      "signer-url": { type: "string" },
      "signer-token-file": { type: "string" },
      "rpc-url": { type: "string", default: "http://127.0.0.1:8545" },
      "from-block": { type: "string" },
      "request-exit": { type: "boolean", default: false },
      "private-key-file": { type: "string" },
    },
    strict: true,
  });
  const poolAddress = values.pool;
  if (poolAddress === undefined || !isAddress(poolAddress))
    throw new UsageError("BAD_POOL", `--pool must be a 0x address, got ${poolAddress ?? "nothing"}`);
  for (const flag of ["beacon-url", "signer-url"] as const) {
    const url = values[flag];
    if (url === undefined || !/^https?:\/\//.test(url))
      throw new UsageError("BAD_URL", `--${flag} must be an http(s) URL, got ${url ?? "nothing"}`);
  }
  const fromFlag = values["from-block"];
  if (fromFlag !== undefined && !/^\d{1,20}$/.test(fromFlag))
    throw new UsageError("BAD_BLOCK", `--from-block must be a block number, got ${fromFlag}`);
  const fromBlock = fromFlag === undefined ? undefined : BigInt(fromFlag);
  const token =
    values["signer-token-file"] === undefined ? undefined : readFileSync(values["signer-token-file"], "utf8").trim();
  let account: ReturnType<typeof privateKeyToAccount> | undefined;
  if (values["request-exit"]) {
    const keyFile = values["private-key-file"];
    if (keyFile === undefined) throw new UsageError("USAGE", "--request-exit needs --private-key-file");
    const key = readFileSync(keyFile, "utf8").trim();
    if (!isHex(key) || key.length !== 66) throw new UsageError("BAD_KEY", `${keyFile}: expected a 0x-hex 32-byte key`);
    account = privateKeyToAccount(key as Hex);
  }

  // Loaded on use: the BLS and SSZ libraries stay out of every other command's start-up.
  const { exitMicroPoolValidator, requestMicroPoolExit } = await import("@mzku/sdk/node");
  const client = createPublicClient({ transport: http(values["rpc-url"]) });
  const address = poolAddress as Address;
  try {
    log.info("Exiting the pool's validator", { pool: address, beaconUrl: values["beacon-url"] });
    const result = await exitMicroPoolValidator({
      client,
      pool: address,
      beaconUrl: values["beacon-url"] as string,
      signer: { url: values["signer-url"] as string, ...(token === undefined ? {} : { token }) },
      ...(fromBlock === undefined ? {} : { fromBlock }),
    });
    log.info("Voluntary exit done", { pool: address, outcome: result.outcome, validatorIndex: result.validatorIndex });
    process.stdout.write(`${JSON.stringify({ method: "voluntary_exit", ...result })}\n`);
  } catch (error) {
    if (account === undefined || !isCodedError(error) || !SIGNER_FAILURES.includes(error.code)) throw error;
    log.warn("The threshold signers did not sign the exit; requesting it through EIP-7002", {
      pool: address,
      code: error.code,
      reason: error.message,
    });
    const chainId = await client.getChainId();
    const wallet = createWalletClient({
      account,
      chain: {
        id: chainId,
        name: `chain-${chainId}`,
        nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
        rpcUrls: { default: { http: [values["rpc-url"]] } },
      },
      transport: http(values["rpc-url"]),
    });
    const { receipt, fee, pubkey } = await requestMicroPoolExit(client, wallet, address, {
      ...(fromBlock === undefined ? {} : { fromBlock }),
    });
    process.stdout.write(
      `${JSON.stringify({ method: "eip7002", pool: address, pubkey, fee: fee.toString(), transactionHash: receipt.transactionHash, signerError: error.code })}\n`,
    );
  }
}
