/**
 * The combiner: what the validator client talks to. For each request (root recomputed and recorded in
 * the combiner's own slashing database by the server) it forwards the typed request, with the root it
 * computed as `signingRoot`, to every co-signer in parallel. Each answer is verified against that
 * party's public share; bad ones are left out and counted. As soon as `threshold` valid partials are in,
 * they are combined (Lagrange in G2) and the result is verified against the group key; only then does
 * it answer. With fewer than `threshold` valid partials before the deadline it fails closed:
 * SIGNER_NOT_ENOUGH_PARTIALS (HTTP 503) naming how many answered, or SIGNER_SLASHABLE (412) if
 * co-signers refused on slashing grounds.
 */

import blst from "@chainsafe/blst";
import type { Logger } from "@mzku/log";
import { combinePartials } from "../bls/threshold.js";
import { SignerError } from "../errors.js";
import type { SignerMetrics } from "../metrics.js";
import type { SignerBackend, SignResult } from "../service/backend.js";
import type { HealthCheckEntry } from "../service/health.js";
import type { PreparedSigning } from "../signing/types.js";

export interface CombinerValidator {
  groupPublicKey: string;
  threshold: number;
  /** Public share of each party by index. */
  publicShares: ReadonlyMap<number, Uint8Array>;
}

export interface CosignerEndpoint {
  index: number;
  /** Base URL of the co-signer's Web3Signer API. */
  url: string;
  token?: string;
}

export interface CombinerOptions {
  validators: readonly CombinerValidator[];
  cosigners: readonly CosignerEndpoint[];
  /** How long to wait for `threshold` valid partials (ms); 2000 by default. */
  timeoutMs?: number;
  metrics: SignerMetrics;
  /**
   * "each" (default): once `threshold` partials are in, they are combined and every partial (under its
   * party's public share) and the combination (under the group key) are verified in one batched
   * pairing check (random linear combination); if it fails, each partial is verified on its own, bad
   * ones are left out and counted, and gathering goes on. "optimistic": only the combination is
   * verified in the happy path; the fallback is the same. Both answer only a signature that verifies
   * under the group key.
   */
  verify?: "each" | "optimistic";
}

type PartyResult = "valid" | "invalid" | "refused" | "error" | "timeout" | "late";

interface Partial {
  index: number;
  signature: Uint8Array;
  /** Decoded and subgroup-checked. */
  sig: blst.Signature;
}

/** Decoded (and validated once, at start) keys of one validator. */
interface ValidatorKeys {
  group: blst.PublicKey;
  share(index: number): blst.PublicKey;
}

export class Combiner implements SignerBackend {
  readonly role = "combiner" as const;
  private readonly validators: Map<string, CombinerValidator>;
  private readonly keys: string[];
  private readonly timeoutMs: number;
  private readonly verifyMode: "each" | "optimistic";
  private readonly keys_: Map<string, ValidatorKeys>;

  constructor(private readonly opts: CombinerOptions) {
    this.validators = new Map(opts.validators.map((v) => [v.groupPublicKey.toLowerCase(), v]));
    this.keys = [...this.validators.keys()];
    this.timeoutMs = opts.timeoutMs ?? 2000;
    this.verifyMode = opts.verify ?? "each";
    this.keys_ = new Map();
    for (const v of opts.validators) {
      try {
        const group = blst.PublicKey.fromBytes(Buffer.from(v.groupPublicKey.slice(2), "hex"), true);
        const shares = new Map([...v.publicShares].map(([i, pk]) => [i, blst.PublicKey.fromBytes(pk, true)]));
        this.keys_.set(v.groupPublicKey.toLowerCase(), {
          group,
          share: (i) => {
            const pk = shares.get(i);
            if (pk === undefined) throw new SignerError("SIGNER_INTERNAL", `no public share ${i}`);
            return pk;
          },
        });
      } catch (cause) {
        if (cause instanceof SignerError) throw cause;
        throw new SignerError("SIGNER_CONFIG_INVALID", `validator ${v.groupPublicKey}: invalid public key`, { cause });
      }
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
  }

  publicKeys(): string[] {
    return this.keys;
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
          const headers: Record<string, string> = c.token === undefined ? {} : { authorization: `Bearer ${c.token}` };
          const res = await fetch(`${c.url}/upcheck`, { headers, signal: AbortSignal.timeout(1000) });
          await res.arrayBuffer();
          return res.ok ? { id, status: "UP" } : { id, status: "DOWN", message: `HTTP ${res.status}` };
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

  sign(pubkey: string, prepared: PreparedSigning, body: Record<string, unknown>, log: Logger): Promise<SignResult> {
    const v = this.validators.get(pubkey);
    if (v === undefined) return Promise.reject(new SignerError("SIGNER_UNKNOWN_KEY", `unknown validator ${pubkey}`));
    const root = prepared.signingRoot;
    const payload = JSON.stringify({ ...body, signingRoot: `0x${Buffer.from(root).toString("hex")}` });
    const parties = this.opts.cosigners.filter((c) => v.publicShares.has(c.index));
    const { metrics } = this.opts;
    const keys = this.keys_.get(pubkey) as ValidatorKeys;
    const controller = new AbortController();

    return new Promise<SignResult>((resolve, reject) => {
      const results = new Map<number, PartyResult>();
      let settled = false;
      let pending = parties.length;

      const summary = () => {
        const count = (r: PartyResult) => [...results.values()].filter((x) => x === r).length;
        return {
          needed: v.threshold,
          cosigners: parties.length,
          answered: count("valid") + count("invalid") + count("refused"),
          valid: count("valid"),
          invalid: count("invalid"),
          refused: count("refused"),
          unreachable: count("error"),
          timedOut: parties.length - results.size,
        };
      };

      const fail = (why: "timeout" | "exhausted") => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        controller.abort();
        for (const p of parties) {
          if (!results.has(p.index)) metrics.partials.inc({ party: String(p.index), result: "timeout" });
        }
        const s = summary();
        const msg =
          `threshold not met: ${s.valid} valid partial(s) of ${s.needed} needed ` +
          `(${s.answered} of ${s.cosigners} co-signers answered: ${s.invalid} invalid, ${s.refused} refused; ` +
          `${s.unreachable} unreachable, ${s.timedOut} ${why === "timeout" ? `silent after ${this.timeoutMs} ms` : "still pending when the threshold became unreachable"}); not signed`;
        log.warn("Threshold not met", { ...s, reason: why });
        reject(
          s.refused > 0 && s.unreachable + s.timedOut === 0
            ? new SignerError("SIGNER_SLASHABLE", `co-signers refused on slashing grounds; ${msg}`, {
                details: { reason: "COSIGNER_REFUSED", ...s },
              })
            : new SignerError("SIGNER_NOT_ENOUGH_PARTIALS", msg, { details: s }),
        );
      };

      const timer = setTimeout(() => fail("timeout"), this.timeoutMs);
      // Partials arrive as `unchecked` (decoded and subgroup-checked) and move to `valid` once verified.
      const unchecked: Partial[] = [];
      const validP: Partial[] = [];

      const record = (index: number, result: PartyResult) => {
        results.set(index, result);
        metrics.partials.inc({ party: String(index), result });
      };

      const finish = (chosen: readonly Partial[], signature: Uint8Array) => {
        settled = true;
        clearTimeout(timer);
        log.debug("Combined", { used: chosen.map((p) => p.index), invalid: summary().invalid });
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
                if (!validP.includes(p)) sets.push({ msg: root, pk: keys.share(p.index), sig: p.sig });
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
              if (blst.verify(root, keys.share(p.index), p.sig, false, false)) {
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
                settled = true;
                clearTimeout(timer);
                reject(
                  new SignerError(
                    "SIGNER_COMBINED_SIGNATURE_INVALID",
                    "combined signature does not verify under the group key (public shares inconsistent?); not signed",
                  ),
                );
                return;
              }
              finish(again, c.bytes);
              return;
            }
          }
        } catch (e) {
          settled = true;
          clearTimeout(timer);
          reject(new SignerError("SIGNER_INTERNAL", "combining failed", { cause: e }));
          return;
        }
        if (validP.length + unchecked.length + pending < v.threshold) fail("exhausted");
      };

      const onPartial = (index: number, signature: Uint8Array) => {
        pending--;
        if (settled) {
          record(index, "late");
          return;
        }
        let sig: blst.Signature;
        try {
          sig = blst.Signature.fromBytes(signature, true, true);
        } catch {
          log.warn("Undecodable partial left out", { party: index });
          record(index, "invalid");
          evaluate();
          return;
        }
        unchecked.push({ index, signature, sig });
        evaluate();
      };

      const done = (index: number, result: PartyResult) => {
        pending--;
        record(index, result);
        evaluate();
      };

      for (const party of parties) {
        const started = performance.now();
        const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
        if (party.token !== undefined) headers.authorization = `Bearer ${party.token}`;
        fetch(`${party.url}/api/v1/eth2/sign/${pubkey}`, {
          method: "POST",
          headers,
          body: payload,
          signal: controller.signal,
        })
          .then(async (res) => {
            const text = await res.text();
            metrics.cosignerRequestDuration.observe(
              { party: String(party.index) },
              (performance.now() - started) / 1000,
            );
            if (!res.ok) {
              log.warn("Co-signer refused", { party: party.index, status: res.status, body: text.slice(0, 300) });
              done(party.index, res.status === 412 ? "refused" : res.status >= 500 ? "error" : "refused");
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
            log.warn("Co-signer unreachable", {
              party: party.index,
              error: e instanceof Error ? e.message : String(e),
            });
            done(party.index, "error");
          });
      }
    });
  }
}
