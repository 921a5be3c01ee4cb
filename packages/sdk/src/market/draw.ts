/**
 * Recomputes a ProjectMarket auction draw from its events alone (docs/marketplace.md, "Randomness").
 *
 * Inputs come from the `BidRevealed`, `BidEvaluated` and `AuctionSettled` events of one project and
 * from the project's snapshotted parameters (`ProjectOpened` / `getProject`). The function mirrors
 * `ProjectMarket.settle` step by step:
 *   1. saltMix = XOR of the low 128 bits of every revealed salt;
 *   2. seed = keccak256(abi.encode(uint256 projectId, uint128 saltMix, uint256 entropy));
 *   3. the revealed bids are walked in ascending (price, keccak256(abi.encode(seed, index)) >> 101, index);
 *   4. the lowest eligible bid opens the band [price, price + price·bandBps/10000]; eligible bids in the
 *      band join the draw until `maxDrawCandidates`; for Vickrey the walk goes on to the second
 *      eligible price;
 *   5. r = uint256(seed) mod Σweight picks the candidate whose cumulative weight passes r;
 *   6. the price paid is the winning bid, or for Vickrey max(bid, second-lowest eligible price).
 */
import { type Address, encodeAbiParameters, type Hex, keccak256 } from "viem";
import { MzkuError } from "../errors.js";

/** A revealed bid (`BidRevealed`). */
export interface RevealedBid {
  readonly index: number;
  readonly bidder: Address;
  readonly price: bigint;
  readonly salt: Hex;
}

/** The settlement's verdict on one bid (`BidEvaluated`); weight = score + 1 when eligible. */
export interface BidEvaluation {
  readonly index: number;
  readonly providerId: bigint;
  readonly eligible: boolean;
  readonly weight: bigint;
}

/** Everything the draw depends on. */
export interface DrawInput {
  readonly projectId: bigint;
  /** `entropy` of `AuctionSettled`: uint256(blockhash(drawBlock)), the hash of the project's draw block. */
  readonly entropy: bigint;
  readonly bandBps: number;
  readonly maxDrawCandidates: number;
  readonly vickrey: boolean;
  readonly reveals: readonly RevealedBid[];
  readonly evaluations: readonly BidEvaluation[];
}

/** A bid that entered the weighted draw. */
export interface DrawCandidate {
  readonly index: number;
  readonly bidder: Address;
  readonly price: bigint;
  readonly weight: bigint;
}

/** The outcome, as the contract computed it. */
export interface DrawResult {
  readonly saltMix: bigint;
  readonly seed: Hex;
  /** Bid indices in walk order (ascending key), all revealed bids. */
  readonly order: readonly number[];
  readonly candidates: readonly DrawCandidate[];
  /** null when no bid was eligible. */
  readonly winner: Address | null;
  readonly winningBid: bigint;
  /** What the provider is paid (its bid, or the Vickrey price). */
  readonly price: bigint;
}

/** Thrown when the events do not hold what the draw needs. */
export class DrawRecomputeError extends MzkuError<"MARKET_DRAW_MISSING_EVALUATION" | "MARKET_DRAW_BAD_INPUT"> {
  override name = "DrawRecomputeError";
}

const MASK_128 = (1n << 128n) - 1n;
const BPS = 10_000n;

/** keccak256(abi.encode(price, salt, bidder, projectId)): what a bidder commits. */
export function bidCommitment(price: bigint, salt: Hex, bidder: Address, projectId: bigint): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "uint256" }, { type: "bytes32" }, { type: "address" }, { type: "uint256" }],
      [price, salt, bidder, projectId],
    ),
  );
}

/** XOR of the low 128 bits of the salts. */
export function saltMix(reveals: readonly Pick<RevealedBid, "salt">[]): bigint {
  let mix = 0n;
  for (const r of reveals) mix ^= BigInt(r.salt) & MASK_128;
  return mix;
}

/** keccak256(abi.encode(uint256 projectId, uint128 saltMix, uint256 entropy)). */
export function drawSeed(projectId: bigint, mix: bigint, entropy: bigint): Hex {
  return keccak256(
    encodeAbiParameters([{ type: "uint256" }, { type: "uint128" }, { type: "uint256" }], [projectId, mix, entropy]),
  );
}

/** The walk key of a bid: price << 160 | (keccak256(abi.encode(seed, index)) >> 101) << 5 | index. */
export function walkKey(seed: Hex, index: number, price: bigint): bigint {
  const tiebreak =
    BigInt(keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "uint256" }], [seed, BigInt(index)]))) >> 101n;
  return (price << 160n) | (tiebreak << 5n) | BigInt(index);
}

/** Recomputes the winner and price of a settled auction from its events. */
export function recomputeDraw(input: DrawInput): DrawResult {
  if (input.maxDrawCandidates < 1 || input.maxDrawCandidates > 32) {
    throw new DrawRecomputeError("MARKET_DRAW_BAD_INPUT", `maxDrawCandidates ${input.maxDrawCandidates}`);
  }
  const mix = saltMix(input.reveals);
  const seed = drawSeed(input.projectId, mix, input.entropy);
  const keyed = input.reveals.map((r) => ({ r, key: walkKey(seed, r.index, r.price) }));
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const evals = new Map<number, BidEvaluation>();
  for (const e of input.evaluations) evals.set(e.index, e);

  const candidates: DrawCandidate[] = [];
  let eligible = 0;
  let second = 0n;
  let limit = 0n;
  let total = 0n;
  for (const { r } of keyed) {
    const closed = candidates.length > 0 && (r.price > limit || candidates.length === input.maxDrawCandidates);
    if (closed && (!input.vickrey || eligible >= 2)) break;
    const e = evals.get(r.index);
    if (e === undefined) {
      throw new DrawRecomputeError("MARKET_DRAW_MISSING_EVALUATION", `no BidEvaluated for bid ${r.index}`);
    }
    if (!e.eligible) continue;
    eligible += 1;
    if (eligible === 2) second = r.price;
    if (candidates.length === 0) limit = r.price + (r.price * BigInt(input.bandBps)) / BPS;
    else if (closed) break;
    candidates.push({ index: r.index, bidder: r.bidder, price: r.price, weight: e.weight });
    total += e.weight;
  }
  const order = keyed.map(({ r }) => r.index);
  if (candidates.length === 0) {
    return { saltMix: mix, seed, order, candidates, winner: null, winningBid: 0n, price: 0n };
  }
  let x = BigInt(seed) % total;
  let pick = candidates[0] as DrawCandidate;
  for (const c of candidates) {
    if (x < c.weight) {
      pick = c;
      break;
    }
    x -= c.weight;
  }
  const price = input.vickrey && eligible >= 2 && second > pick.price ? second : pick.price;
  return { saltMix: mix, seed, order, candidates, winner: pick.bidder, winningBid: pick.price, price };
}
