import { existsSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "@mzku/errors";
import type { Deployment } from "@mzku/sdk";
import { contractsDir } from "@mzku/sdk/devnet";
import { loadDeployment } from "@mzku/sdk/node/deployment";
import {
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  http,
  type LocalAccount,
  type PublicActions,
  type PublicClient,
  publicActions,
  type Transport,
  type WalletClient,
} from "viem";
import { getBytecode, getChainId } from "viem/actions";
import {
  type AccountFlags,
  type AccountSource,
  DEVNET_CHAIN_ID,
  devnetAccount,
  keystoreAccount,
  privateKeyAccount,
  resolveAddress,
} from "./accounts.js";
import { CliError } from "./errors.js";
import { Output } from "./output.js";

/** Options every chain command takes (see docs/cli.md). */
export const GLOBAL_OPTIONS = {
  rpc: { type: "string" },
  deployment: { type: "string" },
  account: { type: "string", short: "a" },
  "private-key": { type: "string" },
  keystore: { type: "string" },
  "password-file": { type: "string" },
  json: { type: "boolean" },
} as const;

export const GLOBAL_HELP = `Global options:
  --rpc <url>              JSON-RPC endpoint (env MZKU_RPC; default http://127.0.0.1:8545)
  --deployment <file>      deployment file (env MZKU_DEPLOYMENT; default: the devnet's for --rpc)
  --account, -a <name>     a devnet account: ${"deployer, gov1-3, provider1-4, requester, investor1-8, candidate, cosigner, treasury"} (env MZKU_ACCOUNT)
  --private-key <hex>      sign with this key (env MZKU_PRIVATE_KEY)
  --keystore <file>        sign with a JSON keystore: Web3 Secret Storage v3 (geth, cast wallet, wallets) or
                           EIP-2335 (mzku keys account); password from --password-file, MZKU_KEYSTORE_PASSWORD
                           or a prompt
  --json                   print one JSON document on stdout (progress goes to stderr)
  --log-level <level>      debug|info|warn|error (env MZKU_LOG_LEVEL)`;

export type GlobalValues = {
  [K in keyof typeof GLOBAL_OPTIONS]?: (typeof GLOBAL_OPTIONS)[K]["type"] extends "boolean" ? boolean : string;
};

/** A wallet that signs as the chosen account and can read. */
export type Wallet = WalletClient<Transport, Chain, LocalAccount> & PublicActions<Transport, Chain, LocalAccount>;

/**
 * What a chain command works with: the RPC, the deployment, the account, and the output. Clients
 * read the block number uncached (`cacheTime: 0`); every transaction the wallet sends is announced
 * with its hash as it leaves.
 */
export class Context {
  readonly rpcUrl: string;
  readonly out: Output;
  private chain?: Chain;
  private cachedDeployment?: Deployment;

  constructor(private readonly values: GlobalValues) {
    this.rpcUrl = values.rpc ?? process.env.MZKU_RPC ?? "http://127.0.0.1:8545";
    try {
      new URL(this.rpcUrl);
    } catch {
      throw new UsageError("BAD_RPC", `--rpc: "${this.rpcUrl}" is not a URL`);
    }
    this.out = new Output(values.json === true);
  }

  /** The chain behind --rpc (checked once: a node must answer). */
  async getChain(): Promise<Chain> {
    if (this.chain) return this.chain;
    let id: number;
    try {
      id = await getChainId(createPublicClient({ transport: http(this.rpcUrl, { retryCount: 0 }) }));
    } catch (cause) {
      throw new CliError(
        "RPC_UNREACHABLE",
        `no node answers at ${this.rpcUrl} (start one with mzku devnet, or pass --rpc)`,
        {
          cause,
        },
      );
    }
    this.chain = defineChain({
      id,
      name: id === DEVNET_CHAIN_ID ? "devnet" : `chain ${id}`,
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [this.rpcUrl] } },
    });
    return this.chain;
  }

  async isDevnet(): Promise<boolean> {
    return (await this.getChain()).id === DEVNET_CHAIN_ID;
  }

  /** A reading client. */
  async reader(): Promise<PublicClient<Transport, Chain>> {
    return createPublicClient({ chain: await this.getChain(), transport: http(this.rpcUrl), cacheTime: 0 });
  }

  /** The deployment: --deployment, MZKU_DEPLOYMENT, or the one `mzku devnet` wrote for this RPC port. */
  async deployment(): Promise<Deployment> {
    if (this.cachedDeployment) return this.cachedDeployment;
    const chain = await this.getChain();
    const file = this.values.deployment ?? process.env.MZKU_DEPLOYMENT ?? devnetDeploymentFile(this.rpcUrl);
    if (!existsSync(file)) {
      throw new CliError("NO_DEPLOYMENT", `no deployment file at ${file} (start mzku devnet, or pass --deployment)`);
    }
    const deployment = loadDeployment(file);
    const code = await getBytecode(await this.reader(), { address: deployment.contracts.Governance });
    if (deployment.chainId !== chain.id || !code || code === "0x") {
      throw new CliError(
        "NO_DEPLOYMENT",
        `${file} does not describe the protocol on ${this.rpcUrl} (chain ${chain.id}); pass --deployment`,
      );
    }
    this.cachedDeployment = deployment;
    return deployment;
  }

  /** The signing account: --private-key, --keystore, --account (devnet), or their environment variables. */
  async account(): Promise<LocalAccount> {
    return this.accountFrom(
      {
        key: this.values["private-key"] ?? process.env.MZKU_PRIVATE_KEY,
        keystore: this.values.keystore,
        passwordFile: this.values["password-file"],
        name: this.values.account ?? process.env.MZKU_ACCOUNT,
      },
      { key: "--private-key", keystore: "--keystore", name: "--account", purpose: "this command sends a transaction" },
    );
  }

  /**
   * An account from a key, a keystore or (on a devnet) a name, whichever `source` has; `flags` names
   * the options in messages (the transaction account's, or another signer's such as a co-signer).
   */
  async accountFrom(source: AccountSource, flags: AccountFlags): Promise<LocalAccount> {
    if (source.key !== undefined) return privateKeyAccount(source.key, flags.key);
    if (source.keystore !== undefined) return keystoreAccount(source.keystore, source.passwordFile);
    if (source.name === undefined) {
      throw new UsageError("NO_ACCOUNT", `${flags.purpose}: pass ${flags.name}, ${flags.key} or ${flags.keystore}`);
    }
    if (!(await this.isDevnet())) {
      throw new UsageError(
        "UNKNOWN_ACCOUNT",
        `named accounts exist on a devnet only (chain ${DEVNET_CHAIN_ID}); use ${flags.key} or ${flags.keystore}`,
      );
    }
    return devnetAccount(source.name);
  }

  /** The address a read command is about: --account etc. when given, else undefined. */
  async accountAddressIfGiven(): Promise<`0x${string}` | undefined> {
    const given =
      this.values["private-key"] ??
      process.env.MZKU_PRIVATE_KEY ??
      this.values.keystore ??
      this.values.account ??
      process.env.MZKU_ACCOUNT;
    return given === undefined ? undefined : (await this.account()).address;
  }

  /** An address argument: 0x… or, on a devnet, an account name. */
  async address(text: string | undefined, what: string): Promise<`0x${string}`> {
    return resolveAddress(text, what, await this.isDevnet());
  }

  /** A wallet signing as {@link account}; each transaction it sends is printed with its hash. */
  async wallet(): Promise<Wallet> {
    const account = await this.account();
    const base = http(this.rpcUrl);
    const say = (hash: unknown) => this.out.say(`  sent ${String(hash)}, waiting for it to be mined`);
    const announcing: Transport = (options) => {
      const transport = base(options);
      return {
        ...transport,
        request: (async (args: { method: string; params?: unknown }) => {
          const result = await transport.request(args);
          if (args.method === "eth_sendRawTransaction" || args.method === "eth_sendTransaction") say(result);
          return result;
        }) as typeof transport.request,
      };
    };
    return createWalletClient({ account, chain: await this.getChain(), transport: announcing, cacheTime: 0 }).extend(
      publicActions,
    );
  }
}

/** Where `mzku devnet --port P` writes its deployment: devnet.json for 8545, devnet-P.json otherwise. */
export function devnetDeploymentFile(rpcUrl: string): string {
  const port = new URL(rpcUrl).port || "8545";
  return join(contractsDir(), "deployments", port === "8545" ? "devnet.json" : `devnet-${port}.json`);
}
