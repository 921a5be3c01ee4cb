import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import type { Address, Hex } from "viem";
import { CliError } from "./errors.js";

/** The user's mzku data directory: MZKU_DATA_DIR, else $XDG_DATA_HOME/mzku, else ~/.local/share/mzku. */
export function dataDir(): string {
  if (process.env.MZKU_DATA_DIR) return process.env.MZKU_DATA_DIR;
  const base = process.env.XDG_DATA_HOME || join(homedir(), ".local", "share");
  return join(base, "mzku");
}

/** A sealed bid kept until its reveal: the salt is the secret that opens the commitment. */
export type StoredBid = { index: string; price: string; salt: Hex; commitment: Hex; committedAt: string };

const bidsFile = () => join(dataDir(), "bids.json");
const bidKey = (chainId: number, market: Address, projectId: bigint, bidder: Address) =>
  `${chainId}/${market.toLowerCase()}/${projectId}/${bidder.toLowerCase()}`;

function readBids(): Record<string, StoredBid> {
  const file = bidsFile();
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Record<string, StoredBid>;
  } catch (cause) {
    throw new CliError("BAD_DATA_FILE", `${file} is not valid JSON (move it away to start over)`, { cause });
  }
}

/** Saves a bid (file mode 0600, written atomically) before its commit is sent. */
export function saveBid(chainId: number, market: Address, projectId: bigint, bidder: Address, bid: StoredBid): string {
  const file = bidsFile();
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const bids = readBids();
  bids[bidKey(chainId, market, projectId, bidder)] = bid;
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(bids, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
  chmodSync(file, 0o600);
  return file;
}

/** The bid saved for this project and bidder, if any. */
export function findBid(chainId: number, market: Address, projectId: bigint, bidder: Address): StoredBid | undefined {
  return readBids()[bidKey(chainId, market, projectId, bidder)];
}
