/**
 * The combiner: what the validator client talks to. For each request (root recomputed and committed
 * to the combiner's own slashing database by the signing service before this is called) it forwards
 * the typed request, with the root it computed as `signingRoot`, to every co-signer in parallel. As
 * soon as `threshold` partials are in, they are combined (Lagrange in G2) and verified; bad partials
 * are left out and counted. With fewer than `threshold` valid partials it fails closed:
 * - SIGNER_SLASHABLE (412, reason COSIGNER_REFUSED) when co-signers refused on slashing grounds and
 *   those refusals alone leave fewer than `threshold` co-signers able to sign;
 * - SIGNER_COSIGNER_UNAUTHORIZED (502) when a co-signer refused the combiner's credentials (a
 *   configuration error: token or client certificate) and the threshold was not met;
 * - SIGNER_NOT_ENOUGH_PARTIALS (503) otherwise (co-signers down, slow, or answering errors).
 * Every refusal names the counts: needed, cosigners, answered, valid, invalid, refused, unauthorized,
 * unreachable, timedOut.
 * At start the configured public shares are checked against the group key and the threshold.
 */
import blst from "@chainsafe/blst";
import type { Logger } from "@mzku/log";
import { combinePartials, combinePublicShares } from "../bls/threshold.js";
import { SignerError } from "../errors.js";
import type { SignerMetrics } from "../metrics.js";
import type { SignerBackend, SignResult } from "../service/backend.js";
import type { HealthCheckEntry } from "../service/health.js";
import type { PreparedSigning } from "../signing/types.js";
import { CosignerClient, type MutualTls } from "./client.js";

export interface CombinerValidator {
  groupPublicKey: string;
  threshold: number;
  /** Public share of each party by index. */
  publicShares: ReadonlyMap<number, Uint8Array>;
}

export interface CosignerEndpoint {
  index: number;
  /** Base URL of the co-signer's Web3Signer API: http://127.0.0.1:… on loopback, https://… otherwise. */
  url: string;
  token?: string;
}

export interface CombinerOptions {
  validators: readonly CombinerValidator[];
  cosigners: readonly CosignerEndpoint[];
  /** How long to wait for `threshold` valid partials (ms); 2000 by default. */
  timeoutMs?: number;
  metrics: SignerMetrics;
  /** The combiner's client certificate for https co-signers (mutual TLS). */
  tls?: MutualTls;
  /**
   * "each" (default): once `threshold` partials are in, they are combined and every partial (under its
   * party's public share) and the combination (under the group key) are verified in one batched
   * pairing check (random linear combination); if it fails, each partial is verified on its own, bad
   * ones are left out and counted, and gathering goes on. "optimistic": only the combination is
   * verified in the happy path; the fallback is the same. Both answer only a signature that verifies
   * under the group key.
   */
  verify?: "each" | "optimistic";
  /**
   * Ask only `threshold` co-signers for Lagrange-weighted partials first (default true); see
   * `signWeighted`. Off: every request gathers from every co-signer.
   */
  fastPath?: boolean;
  /** How long the fast path waits for its co-signers before gathering from all (ms); min(300, timeout/3). */
  hedgeMs?: number;
}

/** How long a co-signer that failed is left out of the fast path. */
const BENCH_MS = 5000;

type PartyResult = "valid" | "invalid" | "refused" | "unauthorized" | "error" | "timeout" | "late";

interface Partial {
  index: number;
  signature: Uint8Array;
  /** Decoded and subgroup-checked. */
  sig: blst.Signature;
}

/** Decoded (and validated once, at start) keys of one validator. */
interface ValidatorKeys {
  group: blst.PublicKey;
  shares: ReadonlyMap<number, blst.PublicKey>;
}

const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}`;

/** A TLS handshake that failed on certificates (either side's), as opposed to a peer that is down. */
function tlsRefusal(code: unknown, message: string): boolean {
  return (
    (typeof code === "string" && /^(ERR_SSL_|ERR_TLS_CERT|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|CERT_)/.test(code)) ||
    /alert (unknown ca|bad certificate|certificate required|certificate unknown)/i.test(message)
  );
}

/**
 * Checks that the public shares lie on one polynomial of degree threshold − 1 whose value at 0 is the
 * group key: the first `threshold` shares interpolate to the group key, and so does each further
 * share together with the first threshold − 1.
 * @throws SignerError SIGNER_CONFIG_INVALID naming the validator and the share set that disagrees.
 */
export function checkPublicShares(v: CombinerValidator): void {
  const t = v.threshold;
  const indices = [...v.publicShares.keys()].sort((a, b) => a - b);
  if (indices.length < t) {
    throw new SignerError(
      "SIGNER_CONFIG_INVALID",
      `validator ${v.groupPublicKey}: ${indices.length} public shares for threshold ${t}`,
    );
  }
  const share = (i: number) => ({ index: i, publicKey: v.publicShares.get(i) as Uint8Array });
  const sets = [indices.slice(0, t), ...indices.slice(t).map((j) => [...indices.slice(0, t - 1), j])];
  for (const set of sets) {
    let combined: string;
    try {
      combined = hex(combinePublicShares(set.map(share)));
    } catch (cause) {
      throw new SignerError("SIGNER_CONFIG_INVALID", `validator ${v.groupPublicKey}: invalid public share`, { cause });
    }
    if (combined !== v.groupPublicKey.toLowerCase()) {
      throw new SignerError(
        "SIGNER_CONFIG_INVALID",
        `validator ${v.groupPublicKey}: public shares ${set.join(",")} interpolate to ${combined}, not the group key (wrong shares or threshold)`,
      );
    }
  }
}

export class Combiner implements SignerBackend {
  readonly role = "combiner" as const;
  private readonly validators: Map<string, CombinerValidator>;
  private readonly keys: string[];
  private readonly timeoutMs: number;
  private readonly verifyMode: "each" | "optimistic";
  private readonly decoded: Map<string, ValidatorKeys>;
  private readonly clients: Map<number, CosignerClient>;
  private readonly fastPath: boolean;
  private readonly hedgeMs: number;
  private rotation = 0;
  /** Co-signers left out of the fast path until this time (performance.now()), after a failure. */
  private readonly benchedUntil = new Map<number, number>();

  /** @throws SignerError SIGNER_CONFIG_INVALID for inconsistent keys, co-signers or transport settings. */
  constructor(private readonly opts: CombinerOptions) {
    this.validators = new Map(opts.validators.map((v) => [v.groupPublicKey.toLowerCase(), v]));
    this.keys = [...this.validators.keys()];
    this.timeoutMs = opts.timeoutMs ?? 2000;
    this.verifyMode = opts.verify ?? "each";
    this.fastPath = opts.fastPath ?? true;
    this.hedgeMs = opts.hedgeMs ?? Math.min(300, Math.floor(this.timeoutMs / 3));
    this.decoded = new Map();
    for (const v of opts.validators) {
      try {
        const group = blst.PublicKey.fromBytes(Buffer.from(v.groupPublicKey.slice(2), "hex"), true);
        const shares = new Map([...v.publicShares].map(([i, pk]) => [i, blst.PublicKey.fromBytes(pk, true)]));
        this.decoded.set(v.groupPublicKey.toLowerCase(), { group, shares });
      } catch (cause) {
        throw new SignerError("SIGNER_CONFIG_INVALID", `validator ${v.groupPublicKey}: invalid public key`, { cause });
      }
      checkPublicShares(v);
    }
    const indices = new Set(opts.cosigners.map((c) => c.index));
    if (indices.size !== opts.cosigners.length) {
      throw new SignerError("SIGNER_CONFIG_INVALID", "two co-signers with the same index");
    }
    for (const v of opts.validators) {
      const reachable = opts.cosigners.filter((c) => v.publicShares.has(c.index)).length;
      if (reachable < v.threshold) {
        throw new SignerError(
          "SIGNER_CONFIG_INVALID",
          `validator ${v.groupPublicKey} needs ${v.threshold} co-signers, only ${reachable} configured`,
        );
      }
    }
    this.clients = new Map(opts.cosigners.map((c) => [c.index, new CosignerClient(c.url, c.token, opts.tls)]));
  }

  publicKeys(): string[] {
    return this.keys;
  }

  /** Closes the keep-alive connections to the co-signers. */
  close(): void {
    for (const c of this.clients.values()) c.close();
  }

  /**
   * One `/upcheck` per co-signer (1 s each, in parallel); `cosigners-check` is UP when every validator
   * still has at least its threshold of co-signers answering.
   */
  async healthChecks(): Promise<HealthCheckEntry[]> {
    const up = await Promise.all(
      this.opts.cosigners.map(async (c): Promise<HealthCheckEntry> => {
        const id = `cosigner-${c.index}`;
        try {
          const client = this.clients.get(c.index) as CosignerClient;
          const res = await client.request("GET", "/upcheck", undefined, AbortSignal.timeout(1000));
          return res.status === 200 ? { id, status: "UP" } : { id, status: "DOWN", message: `HTTP ${res.status}` };
        } catch (e) {
          return { id, status: "DOWN", message: e instanceof Error ? e.message : String(e) };
        }
      }),
    );
    const reachable = new Set(this.opts.cosigners.filter((_, i) => up[i]?.status === "UP").map((c) => c.index));
    const short = this.opts.validators.filter(
      (v) => [...v.publicShares.keys()].filter((i) => reachable.has(i)).length < v.threshold,
    );
    const entry: HealthCheckEntry = { id: "cosigners-check", status: short.length === 0 ? "UP" : "DOWN", checks: up };
    if (short.length > 0) entry.message = `${short.length} validator(s) below threshold`;
    return [entry];
  }

  async sign(
    pubkey: string,
    prepared: PreparedSigning,
    body: Record<string, unknown>,
    log: Logger,
  ): Promise<SignResult> {
    const v = this.validators.get(pubkey);
    const keys = this.decoded.get(pubkey);
    if (v === undefined || keys === undefined) {
      throw new SignerError("SIGNER_UNKNOWN_KEY", `unknown validator ${pubkey}`);
    }
    const parties = this.opts.cosigners.filter((c) => v.publicShares.has(c.index));
    const started = performance.now();
    if (this.fastPath) {
      const fast = await this.signWeighted(pubkey, v, keys, prepared.signingRoot, body, parties, log);
      if (fast !== undefined) return fast;
    }
    const left = Math.max(1, this.timeoutMs - (performance.now() - started));
    return this.gather(pubkey, v, keys, prepared.signingRoot, body, parties, log, left);
  }

  /**
   * The fast path: asks only `threshold` co-signers (rotating, skipping any that failed in the last
   * few seconds) for partials weighted by their Lagrange coefficients, adds them and verifies the sum
   * under the group key. Any failure — a co-signer down, slow past `hedgeMs`, refusing, or a sum that
   * does not verify — returns undefined and the caller falls back to gathering from every co-signer,
   * which verifies, leaves out and counts exactly as before.
   */
  private async signWeighted(
    pubkey: string,
    v: CombinerValidator,
    keys: ValidatorKeys,
    root: Uint8Array,
    body: Record<string, unknown>,
    parties: readonly CosignerEndpoint[],
    log: Logger,
  ): Promise<SignResult | undefined> {
    const now = performance.now();
    const healthy = parties.filter((p) => (this.benchedUntil.get(p.index) ?? 0) <= now);
    if (healthy.length < v.threshold) return undefined;
    const start = this.rotation++ % healthy.length;
    const set = [...healthy.slice(start), ...healthy.slice(0, start)]
      .slice(0, v.threshold)
      .sort((a, b) => a.index - b.index);
    const indices = set.map((p) => p.index);
    const setKey = indices.join(",");
    const payload = JSON.stringify({ ...body, signingRoot: hex(root), mzku_signing_set: indices });
    const controller = new AbortController();
    const answered = new Set<number>();
    const hedge = setTimeout(() => {
      // too slow for the fast path: left out of it for a while, and this request gathers from all
      for (const i of indices) if (!answered.has(i)) this.benchedUntil.set(i, performance.now() + BENCH_MS);
      controller.abort();
    }, this.hedgeMs);
    const { metrics } = this.opts;
    try {
      const answers = await Promise.all(
        set.map(async (party) => {
          const t0 = performance.now();
          const client = this.clients.get(party.index) as CosignerClient;
          const res = await client
            .post(`/api/v1/eth2/sign/${pubkey}`, payload, controller.signal)
            .catch((e: unknown) => {
              if (!controller.signal.aborted) this.benchedUntil.set(party.index, performance.now() + BENCH_MS);
              throw e;
            });
          answered.add(party.index);
          metrics.cosignerRequestDuration.observe({ party: String(party.index) }, (performance.now() - t0) / 1000);
          const parsed = res.status === 200 ? (JSON.parse(res.text) as Record<string, unknown>) : undefined;
          if (
            parsed === undefined ||
            typeof parsed.signature !== "string" ||
            !/^0x[0-9a-fA-F]{192}$/.test(parsed.signature) ||
            parsed.share_index !== party.index ||
            parsed.signing_set !== setKey
          ) {
            controller.abort();
            throw new Error(`co-signer ${party.index}: HTTP ${res.status}`);
          }
          return Buffer.from(parsed.signature.slice(2), "hex");
        }),
      );
      const sum = blst.aggregateSerializedSignatures(answers, false);
      if (!blst.verify(root, keys.group, sum, false, true)) {
        log.warn("Weighted partials did not add up to a valid signature; gathering from every co-signer", {
          set: setKey,
        });
        return undefined;
      }
      for (const i of indices) metrics.partials.inc({ party: String(i), result: "valid" });
      log.debug("Combined (weighted)", { used: indices });
      return { signature: sum.toBytes(true) };
    } catch (e) {
      log.debug("Fast path failed; gathering from every co-signer", {
        set: setKey,
        error: e instanceof Error ? e.message : String(e),
      });
      return undefined;
    } finally {
      clearTimeout(hedge);
      controller.abort();
    }
  }

  /** Asks every co-signer for a plain partial; the fail-closed path with exact counts (see the header). */
  private gather(
    pubkey: string,
    v: CombinerValidator,
    keys: ValidatorKeys,
    root: Uint8Array,
    body: Record<string, unknown>,
    parties: readonly CosignerEndpoint[],
    log: Logger,
    timeoutMs: number,
  ): Promise<SignResult> {
    const payload = JSON.stringify({ ...body, signingRoot: hex(root) });
    const { metrics } = this.opts;
    const shareKey = (i: number) => keys.shares.get(i) as blst.PublicKey;
    const controller = new AbortController();

    return new Promise<SignResult>((resolve, reject) => {
      const results = new Map<number, PartyResult>();
      let settled = false;
      let pending = parties.length;
      // Partials arrive `unchecked` (decoded and subgroup-checked) and move to `validP` once verified.
      const unchecked: Partial[] = [];
      const validP: Partial[] = [];

      const record = (index: number, result: PartyResult) => {
        results.set(index, result);
        metrics.partials.inc({ party: String(index), result });
      };

      const summary = () => {
        const count = (r: PartyResult) => [...results.values()].filter((x) => x === r).length;
        return {
          needed: v.threshold,
          cosigners: parties.length,
          answered: count("valid") + count("invalid") + count("refused") + count("unauthorized"),
          valid: count("valid"),
          invalid: count("invalid"),
          refused: count("refused"),
          unauthorized: count("unauthorized"),
          unreachable: count("error"),
          timedOut: parties.length - results.size,
        };
      };

      const settle = () => {
        settled = true;
        clearTimeout(timer);
        controller.abort();
      };

      const fail = (why: "timeout" | "exhausted") => {
        if (settled) return;
        settle();
        // partials in hand but not yet verified are verified now, so that the counts are exact
        for (const p of unchecked.splice(0)) {
          record(p.index, blst.verify(root, shareKey(p.index), p.sig, false, false) ? "valid" : "invalid");
        }
        for (const p of parties) {
          if (!results.has(p.index)) metrics.partials.inc({ party: String(p.index), result: "timeout" });
        }
        const s = summary();
        const msg =
          `threshold not met: ${s.valid} valid partial(s) of ${s.needed} needed ` +
          `(${s.answered} of ${s.cosigners} co-signers answered: ${s.invalid} invalid, ${s.refused} refused, ` +
          `${s.unauthorized} unauthorized; ${s.unreachable} unreachable, ${s.timedOut} ` +
          `${why === "timeout" ? `silent after ${this.timeoutMs} ms` : "still pending when the threshold became unreachable"}); not signed`;
        if (s.refused > s.cosigners - s.needed) {
          log.warn("Co-signers refused on slashing grounds", s);
          reject(
            new SignerError("SIGNER_SLASHABLE", `co-signers refused on slashing grounds; ${msg}`, {
              details: { reason: "COSIGNER_REFUSED", ...s },
            }),
          );
        } else if (s.unauthorized > 0) {
          log.error("Co-signers refused the combiner's credentials", s);
          reject(
            new SignerError(
              "SIGNER_COSIGNER_UNAUTHORIZED",
              `co-signer(s) refused the combiner's credentials (token or client certificate); ${msg}`,
              { details: s },
            ),
          );
        } else {
          log.warn("Threshold not met", { ...s, reason: why });
          reject(new SignerError("SIGNER_NOT_ENOUGH_PARTIALS", msg, { details: s }));
        }
      };

      const timer = setTimeout(() => fail("timeout"), timeoutMs);

      const finish = (chosen: readonly Partial[], signature: Uint8Array) => {
        settle();
        log.debug("Combined", { used: chosen.map((p) => p.index) });
        resolve({ signature });
      };

      const combine = (chosen: readonly Partial[]): { bytes: Uint8Array; sig: blst.Signature } => {
        const bytes = combinePartials(chosen.map((p) => ({ index: p.index, signature: p.signature })));
        return { bytes, sig: blst.Signature.fromBytes(bytes, true, true) };
      };

      const evaluate = () => {
        if (settled) return;
        try {
          if (validP.length + unchecked.length >= v.threshold) {
            const chosen = [...validP, ...unchecked].slice(0, v.threshold);
            const combined = combine(chosen);
            // one batched pairing check: the combination under the group key and, in "each" mode, every
            // not yet verified partial under its party's public share (random linear combination)
            const sets: blst.SignatureSet[] = [{ msg: root, pk: keys.group, sig: combined.sig }];
            if (this.verifyMode === "each") {
              for (const p of chosen) {
                if (!validP.includes(p)) sets.push({ msg: root, pk: shareKey(p.index), sig: p.sig });
              }
            }
            if (blst.verifyMultipleAggregateSignatures(sets, false, false)) {
              for (const p of chosen) {
                if (!validP.includes(p)) {
                  validP.push(p);
                  record(p.index, "valid");
                }
              }
              finish(chosen, combined.bytes);
              return;
            }
            // something is bad: verify each unchecked partial on its own, leave out and count bad ones
            for (const p of unchecked.splice(0)) {
              if (blst.verify(root, shareKey(p.index), p.sig, false, false)) {
                validP.push(p);
                record(p.index, "valid");
              } else {
                log.warn("Invalid partial left out", { party: p.index });
                record(p.index, "invalid");
              }
            }
            if (validP.length >= v.threshold) {
              const again = validP.slice(0, v.threshold);
              const c = combine(again);
              if (!blst.verify(root, keys.group, c.sig, false, false)) {
                settle();
                reject(
                  new SignerError(
                    "SIGNER_COMBINED_SIGNATURE_INVALID",
                    "combined signature does not verify under the group key; not signed",
                  ),
                );
                return;
              }
              finish(again, c.bytes);
              return;
            }
          }
        } catch (e) {
          settle();
          reject(new SignerError("SIGNER_INTERNAL", "combining failed", { cause: e }));
          return;
        }
        if (validP.length + unchecked.length + pending < v.threshold) fail("exhausted");
      };

      const done = (index: number, result: PartyResult) => {
        pending--;
        if (settled) {
          metrics.partials.inc({ party: String(index), result: "late" });
          return;
        }
        record(index, result);
        evaluate();
      };

      const onPartial = (index: number, signature: Uint8Array) => {
        if (settled) {
          done(index, "late");
          return;
        }
        let sig: blst.Signature;
        try {
          sig = blst.Signature.fromBytes(signature, true, true);
        } catch {
          log.warn("Undecodable partial left out", { party: index });
          done(index, "invalid");
          return;
        }
        pending--;
        unchecked.push({ index, signature, sig });
        evaluate();
      };

      for (const party of parties) {
        const started = performance.now();
        const client = this.clients.get(party.index) as CosignerClient;
        client
          .post(`/api/v1/eth2/sign/${pubkey}`, payload, controller.signal)
          .then(({ status, text }) => {
            metrics.cosignerRequestDuration.observe(
              { party: String(party.index) },
              (performance.now() - started) / 1000,
            );
            if (status !== 200) {
              const result: PartyResult =
                status === 412 ? "refused" : status === 401 || status === 403 ? "unauthorized" : "error";
              if (result === "unauthorized") {
                log.error("Co-signer refused the combiner's credentials: check its token or client certificate", {
                  party: party.index,
                  status,
                });
              } else {
                log.warn("Co-signer refused", { party: party.index, status, body: text.slice(0, 300) });
              }
              done(party.index, result);
              return;
            }
            let sig: Uint8Array | undefined;
            try {
              const parsed = JSON.parse(text) as { signature?: unknown; share_index?: unknown };
              if (
                typeof parsed.signature === "string" &&
                /^0x[0-9a-fA-F]{192}$/.test(parsed.signature) &&
                (parsed.share_index === undefined || parsed.share_index === party.index)
              ) {
                sig = new Uint8Array(Buffer.from(parsed.signature.slice(2), "hex"));
              }
            } catch {
              sig = undefined;
            }
            if (sig === undefined) {
              log.warn("Malformed partial left out", { party: party.index });
              done(party.index, "invalid");
              return;
            }
            onPartial(party.index, sig);
          })
          .catch((e: unknown) => {
            if (settled && controller.signal.aborted) return;
            const code = (e as { code?: unknown }).code;
            const message = e instanceof Error ? e.message : String(e);
            if (tlsRefusal(code, message)) {
              log.error(
                "Co-signer refused the combiner's TLS client certificate (or presented one the CA does not sign)",
                {
                  party: party.index,
                  code: String(code),
                  error: message,
                },
              );
              done(party.index, "unauthorized");
              return;
            }
            log.warn("Co-signer unreachable", {
              party: party.index,
              code: String(code),
              error: message,
              hint: party.url.startsWith("https:")
                ? "a reset right after the handshake: check the client certificate"
                : undefined,
            });
            done(party.index, "error");
          });
      }
    });
  }
}
