import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { UsageError } from "@mzku/errors";
import { hexToBytes } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { toJson } from "../cli/output.js";

/** A command whose handler parses its own arguments and returns an exit code (the signer's). */
export type RawCommand = {
  name: string;
  summary: string;
  /** The `--help` text, or a loader for it (a command whose package loads on use). */
  usage: string | (() => Promise<string>);
  run: (argv: string[], level: string) => Promise<number | undefined>;
};

type SignerCli = typeof import("@mzku/signer/cli");
type HandlerName = {
  [K in keyof SignerCli]: SignerCli[K] extends (argv: string[]) => Promise<number> ? K : never;
}[keyof SignerCli];

/** One of the signer's handlers, loaded on use (the BLS stack stays out of every other command). */
function signerHandler(name: string, summary: string, handler: HandlerName, usage: string): RawCommand {
  return {
    name,
    summary,
    usage,
    run: async (argv) => {
      const cli = await import("@mzku/signer/cli");
      cli.setCliProgram("mzku");
      return cli[handler](argv);
    },
  };
}

const accountUsage = `mzku keys account new --out <file> --password-file <file> [--json]
mzku keys account show <file>

Creates an Ethereum account (a fresh secp256k1 key) stored in an EIP-2335 keystore (scrypt,
aes-128-ctr), or shows a keystore's address. Use it with --keystore <file> --password-file <file>.

Example:
  mzku keys account new --out me.json --password-file pw.txt
JSON: { address, file }`;

const account: RawCommand = {
  name: "keys account",
  summary: "create (or show) an account keystore for --keystore",
  usage: accountUsage,
  async run(argv) {
    const [sub, ...rest] = argv;
    const { values, positionals } = parseArgs({
      args: rest,
      options: { out: { type: "string" }, "password-file": { type: "string" }, json: { type: "boolean" } },
      allowPositionals: true,
      strict: true,
    });
    if (sub === "show") {
      const file = positionals[0];
      if (!file) throw new UsageError("BAD_ARGUMENT", "mzku keys account show <file>");
      // EIP-2335 account keystores keep the address in `pubkey`; v3 keystores in `address`.
      const keystore = JSON.parse(readFileSync(file, "utf8")) as { pubkey?: string; address?: string };
      const address = `0x${(keystore.address ?? keystore.pubkey ?? "").replace(/^0x/, "")}`;
      process.stdout.write(values.json ? `${toJson({ address, file })}\n` : `${address}\n`);
      return 0;
    }
    if (sub !== "new") throw new UsageError("USAGE", "usage: mzku keys account new|show (see --help)");
    if (!values.out || !values["password-file"])
      throw new UsageError("BAD_ARGUMENT", "--out and --password-file are required");
    if (existsSync(values.out)) throw new UsageError("FILE_EXISTS", `${values.out} exists; choose another --out`);
    const password = readFileSync(values["password-file"], "utf8").trimEnd();
    if (password.length < 8) throw new UsageError("WEAK_PASSWORD", "the password must have at least 8 characters");
    const key = generatePrivateKey();
    const { address } = privateKeyToAccount(key);
    const { create } = await import("@chainsafe/bls-keystore");
    // EIP-2335's pubkey field holds the account's address (20 bytes); the secret is the secp256k1 key.
    const keystore = await create(password, hexToBytes(key), hexToBytes(address), "", `mzku account ${address}`);
    writeFileSync(values.out, `${JSON.stringify(keystore, null, 2)}\n`, { mode: 0o600 });
    process.stdout.write(
      values.json ? `${toJson({ address, file: values.out })}\n` : `Account ${address} written to ${values.out}\n`,
    );
    return 0;
  },
};

export const keysCommands: RawCommand[] = [
  account,
  signerHandler(
    "keys identity",
    "new Ed25519 DKG identity",
    "runKeysIdentity",
    "mzku keys identity --out <file>\n\nPrints the identity's public key (for keys definition --identities).\n\nExample:\n  mzku keys identity --out id1.json",
  ),
  signerHandler(
    "keys definition",
    "a DKG definition (parties, threshold, validators)",
    "runKeysDefinition",
    "mzku keys definition --identities <pk,pk,..> --threshold t --validators m [--base-port 9100] [--urls u1,u2,..] [--name s] --out <file>\n\nExample:\n  mzku keys definition --identities $(cat pk1),$(cat pk2),$(cat pk3) --threshold 2 --validators 1 --out def.json",
  ),
  signerHandler(
    "keys dkg",
    "run one party of a DKG (threshold validator keys)",
    "runKeysDkg",
    "mzku keys dkg --definition <file> --identity <file> --index i --out <dir> --password-file <file>\n  [--withdrawal-address 0x.. | --withdrawal-credentials 0x..] [--fork-version 0x.. | --network name] [--amount-gwei n]\n\nExample (a co-signer's party of a pool's DKG; the operator runs mzku pool activate):\n  mzku keys dkg --definition def.json --identity id2.json --index 2 --out share2 --password-file pw \\\n    --withdrawal-address <pool> --network mainnet",
  ),
  signerHandler(
    "keys deposit-data",
    "partial deposit signatures, or combine them into deposit_data JSON",
    "runKeysDepositData",
    "mzku keys deposit-data --dkg-dir <dir> (--withdrawal-address|--withdrawal-credentials) (--fork-version|--network)\n  [--amount-gwei n] --out <file> (--password-file <file> | --partials <f1,f2,..>)\n\nExample:\n  mzku keys deposit-data --dkg-dir share1 --withdrawal-address <pool> --network mainnet --out p1.json --password-file pw",
  ),
  signerHandler(
    "keys tls",
    "development CA and certificates for mutual TLS",
    "runKeysTls",
    "mzku keys tls --out <dir> --party NAME[=HOST,HOST…] [--party …] [--days 365]\n\nWrites a development CA and one certificate per party (co-signers, combiner) for mutual TLS.\n\nExample:\n  mzku keys tls --out tls --party cosigner1=127.0.0.1 --party combiner=127.0.0.1",
  ),
  signerHandler(
    "signer start",
    "run a co-signer or combiner (Web3Signer API)",
    "runSignerStart",
    `mzku signer start --role cosigner (--shares a.json[,b.json] | --dkg-dir D --password-file F) --db sp.sqlite [common]
mzku signer start --role combiner --config combiner.json --db sp.sqlite [--timeout-ms 2000] [--verify each|optimistic] [common]
  common: --host 127.0.0.1 --port 9000 --token-file F --metrics-port N --network mainnet|sepolia|holesky|hoodi|devnet
          --tls-cert F --tls-key F --tls-ca F (mutual TLS)

Prints one JSON line on stdout once listening (with or without --json); logs are JSON lines on stderr.
See docs/signer-api.md.

Example:
  mzku signer start --role cosigner --dkg-dir share2 --password-file pw --db sp2.sqlite --port 9002 --token-file token
JSON: { event: "listening", role, url, port, metricsPort }`,
  ),
  signerHandler(
    "signer import-interchange",
    "import EIP-3076 slashing protection",
    "runSignerImportInterchange",
    "mzku signer import-interchange --db sp.sqlite --file interchange.json [--genesis-validators-root 0x..] [--json]\n\nExample:\n  mzku signer import-interchange --db sp2.sqlite --file slashing-protection.json\nJSON: { db, file, validators, blocks, attestations }",
  ),
  signerHandler(
    "signer export-interchange",
    "export EIP-3076 slashing protection",
    "runSignerExportInterchange",
    "mzku signer export-interchange --db sp.sqlite [--out file] [--json]\n\nWithout --out, prints the interchange (a JSON document).\n\nExample:\n  mzku signer export-interchange --db sp2.sqlite --out slashing-protection.json\nJSON (with --out): { db, out, validators }",
  ),
  signerHandler(
    "signer high-watermark",
    "the slashing-protection high watermark",
    "runSignerHighWatermark",
    "mzku signer high-watermark --db sp.sqlite [--epoch E --slot S | --remove] [--json]\n\nSets, removes or (with neither) shows the watermark in force.\n\nExample:\n  mzku signer high-watermark --db sp2.sqlite --epoch 300000 --slot 9600000\nJSON: { epoch?, slot? } (none set: {})",
  ),
];
