/**
 * The audit assignment of `UptimeReports` (docs/sidecar.md, "Audits"), recomputed off-chain so that
 * anyone — a sidecar choosing whom to probe, an indexer, a dashboard — gets the same answer as the
 * contract without calling it:
 *   seed(p)  = keccak256(abi.encode(blockhash(first block of p − 1), uint256 p))
 *   k        = min(auditorsPerNode, N − 1)            (0 when N < 2)
 *   stride s = the first value coprime with N at or after 1 + seed mod (N − 1), wrapping to 1
 *   slot i audits (i + s·j) mod N for j = 1..k (vote bit j − 1); node t is audited by (t − s·j) mod N.
 */
import { encodeAbiParameters, type Hex, keccak256 } from "viem";
import { MzkuError } from "../errors.js";

/** What `openPeriod` fixes for a period (`periodInfo`). */
export interface AuditPeriod {
  readonly seed: Hex;
  readonly size: number;
  readonly k: number;
  readonly stride: number;
}

/** seed(p) from the hash of the block before the period's first block. */
export function auditSeed(seedBlockHash: Hex, period: bigint): Hex {
  return keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "uint256" }], [seedBlockHash, period]));
}

/** The period `openPeriod` would fix for `seed`, a roster of `size` slots and `auditorsPerNode`. */
export function auditPeriod(seed: Hex, size: number, auditorsPerNode: number): AuditPeriod {
  if (size < 2) return { seed, size, k: 0, stride: 0 };
  const k = Math.min(auditorsPerNode, size - 1);
  return { seed, size, k, stride: coprimeStride(BigInt(seed), size) };
}

/** The slots `slot` audits in the period, in vote order (bit j of the report is `targets[j]`). */
export function auditTargets(period: AuditPeriod, slot: number): number[] {
  if (slot < 0 || slot >= period.size) {
    throw new MzkuError("REPORTS_BAD_SLOT", `slot ${slot} is outside a roster of ${period.size}`);
  }
  const out: number[] = [];
  for (let j = 1; j <= period.k; j++) out.push((slot + period.stride * j) % period.size);
  return out;
}

/** The slots that audit `slot` in the period. */
export function auditorsOf(period: AuditPeriod, slot: number): number[] {
  if (slot < 0 || slot >= period.size) {
    throw new MzkuError("REPORTS_BAD_SLOT", `slot ${slot} is outside a roster of ${period.size}`);
  }
  const n = period.size;
  const out: number[] = [];
  for (let j = 1; j <= period.k; j++) out.push((((slot - period.stride * j) % n) + n) % n);
  return out;
}

/** The report's `votes` word: bit j set when `up[j]` (the j-th target was up). */
export function encodeVotes(up: readonly boolean[]): bigint {
  let votes = 0n;
  up.forEach((u, j) => {
    if (u) votes |= 1n << BigInt(j);
  });
  return votes;
}

function coprimeStride(seed: bigint, n: number): number {
  let s = Number(seed % BigInt(n - 1)) + 1;
  while (gcd(s, n) !== 1) s = s === n - 1 ? 1 : s + 1;
  return s;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}
