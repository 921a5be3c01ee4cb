/**
 * The aggregated uptime report of `UptimeReports` (docs/sidecar.md, "Aggregated report"), built
 * off-chain exactly as the contract checks it, so that anyone — the aggregator, a co-signer before it
 * signs, a watcher deciding whether to challenge — gets the same root, decisions and proofs:
 *   leaf t·k + j − 1 = keccak256(uint8 vote ‖ signature) of the j-th auditor's verdict on slot t
 *                      (vote 1 up, 2 down), or 0x00…00 when that auditor gave none;
 *   the tree         = leaves padded with zero leaves to a power of two, node = keccak256(left ‖ right);
 *   decision of t    = 1 (up) / 2 (down) when more than k/2 of its k verdicts say so, else 0;
 *   decisions        = 2 bits per slot, slot i in bits 2i..2i+1 of byte i/4 from the low bit.
 * Each verdict is an EIP-712 `Verdict(address auditor,address target,uint64 period,bool up)` signed by
 * the auditor's sidecar key under the sidecar domain (`MZKU Sidecar`, chain, UptimeReports): only
 * verified verdicts belong in the tree (a challenge counts a leaf whose signature does not recover to
 * its auditor as absent).
 */
import { concat, type Hex, keccak256, numberToHex, toHex } from "viem";
import { MzkuError } from "../errors.js";
import { type AuditPeriod, auditorsOf } from "./assignment.js";

/** EIP-712 types of a verdict (primary type `Verdict`). */
export const VERDICT_TYPES = {
  Verdict: [
    { name: "auditor", type: "address" },
    { name: "target", type: "address" },
    { name: "period", type: "uint64" },
    { name: "up", type: "bool" },
  ],
} as const;

/** One auditor's signed verdict on a target slot for the period. */
export interface SlotVerdict {
  readonly auditor: number;
  readonly target: number;
  readonly up: boolean;
  /** The auditor's 65-byte EIP-712 signature of the `Verdict`. */
  readonly signature: Hex;
}

/** A slot's decision: 0 undecided, 1 up, 2 down. */
export type Decision = 0 | 1 | 2;

export interface AggregateReport {
  /** By leaf index: the vote (0 absent, 1 up, 2 down) and its signature ("0x" when absent). */
  readonly votes: readonly { readonly vote: Decision; readonly signature: Hex }[];
  readonly leaves: readonly Hex[];
  readonly root: Hex;
  readonly decisions: readonly Decision[];
  /** The packed decisions `postAggregate` takes. */
  readonly decisionBytes: Hex;
  /** The Merkle proof of leaf `index` (siblings from the leaf up). */
  proof(index: number): Hex[];
  /** The k leaves of `slot` as `challenge` takes them. */
  challengeLeaves(slot: number): { vote: number; signature: Hex; proof: Hex[] }[];
}

const ZERO: Hex = `0x${"00".repeat(32)}`;

/** The leaf of a verdict (`vote` 1 up, 2 down; 0 absent → the zero leaf). */
export function verdictLeaf(vote: Decision, signature: Hex): Hex {
  return vote === 0 ? ZERO : keccak256(concat([numberToHex(vote, { size: 1 }), signature]));
}

/** Places the verdicts of `period` at their positions and builds leaves, root, decisions and proofs. */
export function buildAggregate(period: AuditPeriod, verdicts: readonly SlotVerdict[]): AggregateReport {
  const { size: n, k } = period;
  if (n * k < 2) throw new MzkuError("REPORTS_NO_ASSIGNMENT", `a roster of ${n} with k = ${k} has nothing to report`);
  const placed = new Map<number, { vote: Decision; signature: Hex }>();
  for (const v of verdicts) {
    const j = auditorsOf(period, v.target).indexOf(v.auditor);
    if (j < 0) {
      throw new MzkuError("REPORTS_NOT_AUDITOR", `slot ${v.auditor} does not audit slot ${v.target} in this period`);
    }
    const i = v.target * k + j;
    if (placed.has(i)) {
      throw new MzkuError("REPORTS_DUPLICATE_VERDICT", `two verdicts of slot ${v.auditor} on slot ${v.target}`);
    }
    placed.set(i, { vote: v.up ? 1 : 2, signature: v.signature });
  }
  const votes = Array.from(
    { length: n * k },
    (_, i) => placed.get(i) ?? { vote: 0 as Decision, signature: "0x" as Hex },
  );
  const leaves = votes.map((v) => verdictLeaf(v.vote, v.signature));
  const levels = merkleLevels(leaves);
  const decisions = Array.from({ length: n }, (_, t): Decision => {
    const mine = votes.slice(t * k, t * k + k);
    const up = mine.filter((v) => v.vote === 1).length;
    const down = mine.filter((v) => v.vote === 2).length;
    return up * 2 > k ? 1 : down * 2 > k ? 2 : 0;
  });
  const proof = (index: number): Hex[] => {
    if (!Number.isInteger(index) || index < 0 || index >= leaves.length) {
      throw new MzkuError("REPORTS_BAD_LEAF", `leaf ${index} is outside ${leaves.length} leaves`);
    }
    return levels.slice(0, -1).map((level, d) => level[(index >> d) ^ 1] ?? ZERO);
  };
  return {
    votes,
    leaves,
    root: levels.at(-1)?.[0] ?? ZERO,
    decisions,
    decisionBytes: packDecisions(decisions),
    proof,
    challengeLeaves: (slot) =>
      votes.slice(slot * k, slot * k + k).map((v, j) => ({ ...v, proof: proof(slot * k + j) })),
  };
}

/** The packed decisions: 2 bits per slot, slot i in bits 2i..2i+1 of byte i/4 from the low bit. */
export function packDecisions(decisions: readonly Decision[]): Hex {
  const bytes = new Uint8Array(Math.ceil(decisions.length / 4));
  decisions.forEach((d, i) => {
    bytes.set([(bytes.at(i >> 2) ?? 0) | (d << ((i & 3) * 2))], i >> 2);
  });
  return toHex(bytes);
}

/** The decisions of `size` slots from their packed form. */
export function unpackDecisions(packed: Hex, size: number): Decision[] {
  const hex = packed.slice(2);
  if (hex.length !== Math.ceil(size / 4) * 2) {
    throw new MzkuError("REPORTS_BAD_DECISIONS", `${hex.length / 2} bytes of decisions for ${size} slots`);
  }
  return Array.from({ length: size }, (_, i) => {
    const d = (Number.parseInt(hex.slice((i >> 2) * 2, (i >> 2) * 2 + 2), 16) >> ((i & 3) * 2)) & 3;
    if (d === 3) throw new MzkuError("REPORTS_BAD_DECISIONS", `slot ${i} has decision 3`);
    return d as Decision;
  });
}

/** The root a leaf at `index` and its proof lead to (what `challenge` checks). */
export function merkleRootOf(leaf: Hex, index: number, proof: readonly Hex[]): Hex {
  let h = leaf;
  proof.forEach((sibling, d) => {
    h = ((index >> d) & 1) === 0 ? keccak256(concat([h, sibling])) : keccak256(concat([sibling, h]));
  });
  return h;
}

function merkleLevels(leaves: readonly Hex[]): Hex[][] {
  let width = 1;
  while (width < leaves.length) width *= 2;
  let level: Hex[] = Array.from({ length: width }, (_, i) => leaves[i] ?? ZERO);
  const levels = [level];
  while (level.length > 1) {
    const below = level;
    level = Array.from({ length: below.length / 2 }, (_, i) =>
      keccak256(concat([below[2 * i] ?? ZERO, below[2 * i + 1] ?? ZERO])),
    );
    levels.push(level);
  }
  return levels;
}
