import type { Address, Hex } from "viem";

/**
 * Sealed bids kept in this browser's localStorage until they are revealed: the salt is the secret
 * that makes the commitment binding, and without it (and the price) the bid cannot be revealed and
 * its bond is forfeited. One key per chain, market, project and bidder.
 */
export type StoredBid = { price: string; salt: Hex; committedAt: number };

function key(chainId: number, market: Address, projectId: number, bidder: Address): string {
  return `mzku:bid:${chainId}:${market.toLowerCase()}:${projectId}:${bidder.toLowerCase()}`;
}

export function saveBid(chainId: number, market: Address, projectId: number, bidder: Address, bid: StoredBid): void {
  localStorage.setItem(key(chainId, market, projectId, bidder), JSON.stringify(bid));
}

export function loadBid(chainId: number, market: Address, projectId: number, bidder: Address): StoredBid | undefined {
  const raw = localStorage.getItem(key(chainId, market, projectId, bidder));
  if (!raw) return undefined;
  try {
    const bid = JSON.parse(raw) as StoredBid;
    return typeof bid.price === "string" && /^0x[0-9a-f]{64}$/i.test(bid.salt) ? bid : undefined;
  } catch {
    return undefined;
  }
}

/** A fresh 32-byte salt from the browser's CSPRNG. */
export function randomSalt(): Hex {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
