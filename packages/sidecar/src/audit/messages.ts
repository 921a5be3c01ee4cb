/**
 * What sidecars say to each other over gossip, each signed by the sender's sidecar key (EIP-712, the
 * key registered with its node in the NodeRegistry):
 *   Observation — "auditor saw target up/down in round r of period p" (one probe round).
 *   Announce    — "sidecar S runs libp2p peer P and its node's health endpoint is U" (how auditors find
 *                 their targets: the registry holds addresses, not endpoints).
 *   Verdict     — "auditor saw target up/down over period p" (aggregate mode: the EIP-712 `Verdict` the
 *                 contract checks in a challenge, its signature the message's).
 *   AggregateRequest — "aggregator A asks to co-sign root R and decisions D of period p".
 *   Share       — "signer S co-signs root R of period p" with its BLS share (G2, EIP-2537 words).
 * `decodeMessage` accepts only a well-formed, correctly signed message; anything else is a
 * `SidecarError` `SIDECAR_BAD_MESSAGE` whose `details.reason` names what was wrong (the metric label).
 */
import * as ecc from "tiny-secp256k1";
import {
  type Address,
  bytesToHex,
  concat,
  domainSeparator,
  getAddress,
  type Hex,
  hashStruct,
  hashTypedData,
  hexToBytes,
  isAddress,
  isHex,
  keccak256,
  type LocalAccount,
  type TypedDataDomain,
} from "viem";
import { privateKeyToAddress, publicKeyToAddress } from "viem/accounts";
import { SidecarError } from "../errors.js";

export const MAX_MESSAGE_BYTES = 2_048;

export interface Observation {
  readonly auditor: Address;
  readonly target: Address;
  readonly period: bigint;
  readonly round: number;
  readonly up: boolean;
  readonly latencyMs: number;
  readonly observedAt: bigint;
}

export interface Announce {
  readonly sidecar: Address;
  readonly peerId: string;
  readonly nodeKind: string;
  readonly nodeUrl: string;
  /** The sidecar's libp2p listen addresses, comma-separated. */
  readonly addrs: string;
  readonly at: bigint;
}

export interface VerdictBody {
  readonly auditor: Address;
  readonly target: Address;
  readonly period: bigint;
  readonly up: boolean;
}

export interface AggregateRequest {
  readonly aggregator: Address;
  readonly period: bigint;
  readonly root: Hex;
  readonly decisions: Hex;
}

export interface Share {
  readonly signer: Address;
  readonly period: bigint;
  readonly root: Hex;
  /** The BLS G2 signature as the contract's eight 32-byte words, concatenated (256 bytes). */
  readonly share: Hex;
}

type Bodies = {
  observation: Observation;
  announce: Announce;
  verdict: VerdictBody;
  aggregate_request: AggregateRequest;
  share: Share;
};
export type MessageKind = keyof Bodies;

const PRIMARY = {
  observation: "Observation",
  announce: "Announce",
  verdict: "Verdict",
  aggregate_request: "AggregateRequest",
  share: "Share",
} as const;

export type SignedMessage = {
  [K in MessageKind]: { readonly kind: K; readonly body: Bodies[K]; readonly signature: Hex; readonly signer: Address };
}[MessageKind];

export const TYPES = {
  Observation: [
    { name: "auditor", type: "address" },
    { name: "target", type: "address" },
    { name: "period", type: "uint64" },
    { name: "round", type: "uint32" },
    { name: "up", type: "bool" },
    { name: "latencyMs", type: "uint32" },
    { name: "observedAt", type: "uint64" },
  ],
  Announce: [
    { name: "sidecar", type: "address" },
    { name: "peerId", type: "string" },
    { name: "nodeKind", type: "string" },
    { name: "nodeUrl", type: "string" },
    { name: "addrs", type: "string" },
    { name: "at", type: "uint64" },
  ],
  // the sdk's VERDICT_TYPES (what the contract recovers in a challenge)
  Verdict: [
    { name: "auditor", type: "address" },
    { name: "target", type: "address" },
    { name: "period", type: "uint64" },
    { name: "up", type: "bool" },
  ],
  AggregateRequest: [
    { name: "aggregator", type: "address" },
    { name: "period", type: "uint64" },
    { name: "root", type: "bytes32" },
    { name: "decisions", type: "bytes" },
  ],
  Share: [
    { name: "signer", type: "address" },
    { name: "period", type: "uint64" },
    { name: "root", type: "bytes32" },
    { name: "share", type: "bytes" },
  ],
} as const;

/** The signing domain: the chain and the UptimeReports contract the observations are for. */
export function sidecarDomain(chainId: number, uptimeReports: Address): TypedDataDomain {
  return { name: "MZKU Sidecar", version: "1", chainId, verifyingContract: uptimeReports };
}

export async function signObservation(
  account: LocalAccount,
  domain: TypedDataDomain,
  o: Observation,
): Promise<Uint8Array> {
  const signature = await account.signTypedData({ domain, types: TYPES, primaryType: "Observation", message: o });
  return encode({ kind: "observation", body: plain(o), signature });
}

/**
 * The auditor's hot path: signs observations with the sidecar key in libsecp256k1 (tiny-secp256k1,
 * WebAssembly) over the EIP-712 digest, the domain separator hashed once. The signature is the one
 * viem's `signTypedData` gives (RFC 6979 nonce, low s, v = 27 + recovery id), so the wire format and
 * what the UptimeReports contract and other sidecars verify do not change — what changes is the cost:
 * viem's JavaScript signer leaves ~100 kB of BigInt garbage per signature, which at thousands of
 * probes a period was most of the auditor's peak memory (docs/sidecar.md, Audit memory).
 */
export class ObservationSigner {
  readonly address: Address;
  private readonly key: Uint8Array;
  private readonly separator: Hex;

  constructor(privateKey: Hex, domain: TypedDataDomain) {
    this.key = hexToBytes(privateKey);
    this.address = privateKeyToAddress(privateKey);
    this.separator = domainSeparator({ domain });
  }

  /** The observation signed and encoded for gossip; its `auditor` must be this signer's address. */
  sign(o: Observation): Uint8Array {
    const structHash = hashStruct({ data: o, primaryType: "Observation", types: TYPES });
    const digest = keccak256(concat(["0x1901", this.separator, structHash]), "bytes");
    const { signature, recoveryId } = ecc.signRecoverable(digest, this.key);
    const sig = new Uint8Array(65);
    sig.set(signature);
    sig[64] = 27 + recoveryId;
    return encode({ kind: "observation", body: plain(o), signature: bytesToHex(sig) });
  }
}

export async function signAnnounce(account: LocalAccount, domain: TypedDataDomain, a: Announce): Promise<Uint8Array> {
  const signature = await account.signTypedData({ domain, types: TYPES, primaryType: "Announce", message: a });
  return encode({ kind: "announce", body: plain(a), signature });
}

/** Signs and encodes an aggregate-mode message (`verdict`, `aggregate_request`, `share`). */
export async function signAggregateMessage<K extends "verdict" | "aggregate_request" | "share">(
  account: LocalAccount,
  domain: TypedDataDomain,
  kind: K,
  body: Bodies[K],
): Promise<Uint8Array> {
  // one call for three primary types: viem's per-type inference cannot follow the union
  const signature = await account.signTypedData({
    domain,
    types: TYPES,
    primaryType: PRIMARY[kind],
    message: body,
  } as never);
  return encodeSigned(kind, body, signature);
}

/** Encodes a message with a signature made elsewhere (a verdict signed for the aggregate tree). */
export function encodeSigned(kind: MessageKind, body: Bodies[MessageKind], signature: Hex): Uint8Array {
  return encode({ kind, body: plain(body), signature });
}

/** A gossiped message read and shape-checked, its signature not yet verified. */
export type ParsedMessage = {
  [K in MessageKind]: {
    readonly kind: K;
    readonly body: Bodies[K];
    readonly signature: Hex;
    readonly claimed: Address;
  };
}[MessageKind];

/** Decodes and verifies a gossiped message; the signer must be the message's own auditor/sidecar. */
export async function decodeMessage(data: Uint8Array, domain: TypedDataDomain): Promise<SignedMessage> {
  return verifyMessage(parseMessage(data), domain);
}

/**
 * The cheap half of `decodeMessage`: size, JSON, shape, a signature present; `claimed` is the sender
 * the message names (auditor or sidecar). Lets a receiver drop a message from a sender it does not
 * know before paying for the signature recovery.
 */
export function parseMessage(data: Uint8Array): ParsedMessage {
  if (data.length > MAX_MESSAGE_BYTES) reject("too_large");
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(data));
  } catch {
    reject("malformed");
  }
  if (typeof raw !== "object" || raw === null) reject("malformed");
  const { kind, body, signature } = raw as Record<string, unknown>;
  if (signature === undefined || signature === null || signature === "") reject("unsigned");
  if (typeof signature !== "string" || !isHex(signature) || signature.length !== 132) reject("malformed");
  if (typeof body !== "object" || body === null) reject("malformed");
  const b = body as Record<string, unknown>;
  if (kind === "observation") {
    const o: Observation = {
      auditor: addr(b.auditor),
      target: addr(b.target),
      period: uint(b.period, 64),
      round: Number(uint(b.round, 32)),
      up: bool(b.up),
      latencyMs: Number(uint(b.latencyMs, 32)),
      observedAt: uint(b.observedAt, 64),
    };
    return { kind, body: o, signature, claimed: o.auditor };
  }
  if (kind === "announce") {
    const a: Announce = {
      sidecar: addr(b.sidecar),
      peerId: text(b.peerId, 128),
      nodeKind: text(b.nodeKind, 16),
      nodeUrl: text(b.nodeUrl, 512),
      addrs: text(b.addrs, 1024),
      at: uint(b.at, 64),
    };
    return { kind, body: a, signature, claimed: a.sidecar };
  }
  if (kind === "verdict") {
    const v: VerdictBody = {
      auditor: addr(b.auditor),
      target: addr(b.target),
      period: uint(b.period, 64),
      up: bool(b.up),
    };
    return { kind, body: v, signature, claimed: v.auditor };
  }
  if (kind === "aggregate_request") {
    const r: AggregateRequest = {
      aggregator: addr(b.aggregator),
      period: uint(b.period, 64),
      root: bytes(b.root, 32, 32),
      decisions: bytes(b.decisions, 1, 512),
    };
    return { kind, body: r, signature, claimed: r.aggregator };
  }
  if (kind === "share") {
    const h: Share = {
      signer: addr(b.signer),
      period: uint(b.period, 64),
      root: bytes(b.root, 32, 32),
      share: bytes(b.share, 256, 256),
    };
    return { kind, body: h, signature, claimed: h.signer };
  }
  return reject("malformed");
}

/** The costly half: recovers the EIP-712 signer; it must be the sender the message names (`forged`). */
export async function verifyMessage(m: ParsedMessage, domain: TypedDataDomain): Promise<SignedMessage> {
  const signer = await recover(domain, PRIMARY[m.kind], m.body, m.signature);
  if (signer !== m.claimed) reject("forged");
  return { kind: m.kind, body: m.body, signature: m.signature, signer } as SignedMessage;
}

/**
 * The EIP-712 signer: viem hashes the typed data, libsecp256k1 (tiny-secp256k1, WebAssembly) recovers
 * the key — about five times faster than the JavaScript recovery, and every gossiped message pays it
 * once per receiving sidecar. A signature that does not recover is `forged`.
 */
async function recover(
  domain: TypedDataDomain,
  primaryType: (typeof PRIMARY)[MessageKind],
  message: Bodies[MessageKind],
  signature: Hex,
): Promise<Address> {
  try {
    const hash = hexToBytes(hashTypedData({ domain, types: TYPES, primaryType, message: message as never }));
    const sig = hexToBytes(signature);
    const v = sig[64] ?? -1;
    const recoveryId = v >= 27 ? v - 27 : v;
    if (recoveryId !== 0 && recoveryId !== 1) return reject("forged");
    const key = ecc.recover(hash, sig.subarray(0, 64), recoveryId, false);
    if (!key) return reject("forged");
    return publicKeyToAddress(bytesToHex(key));
  } catch (error) {
    if (error instanceof SidecarError) throw error;
    return reject("forged");
  }
}

function reject(reason: string): never {
  throw new SidecarError("SIDECAR_BAD_MESSAGE", `gossip message rejected: ${reason}`, { details: { reason } });
}

function encode(m: { kind: string; body: Record<string, unknown>; signature: Hex }): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(m));
}

function plain(o: Bodies[MessageKind]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === "bigint" ? v.toString() : v]));
}

function addr(v: unknown): Address {
  if (typeof v !== "string" || !isAddress(v, { strict: false })) reject("malformed");
  return getAddress(v);
}

function uint(v: unknown, bits: number): bigint {
  if (typeof v !== "string" && typeof v !== "number") reject("malformed");
  if (typeof v === "string" && !/^[0-9]{1,20}$/.test(v)) reject("malformed");
  if (typeof v === "number" && !Number.isSafeInteger(v)) reject("malformed");
  const n = BigInt(v);
  if (n < 0n || n >= 1n << BigInt(bits)) reject("malformed");
  return n;
}

function bytes(v: unknown, min: number, max: number): Hex {
  if (typeof v !== "string" || !isHex(v) || v.length % 2 !== 0) reject("malformed");
  const n = (v.length - 2) / 2;
  if (n < min || n > max) reject("malformed");
  return v.toLowerCase() as Hex;
}

function bool(v: unknown): boolean {
  if (typeof v !== "boolean") reject("malformed");
  return v;
}

function text(v: unknown, max: number): string {
  if (typeof v !== "string" || v.length === 0 || v.length > max) reject("malformed");
  return v;
}
