/**
 * Drives one {@link DkgParty} through the rounds over a {@link DkgTransport}: signs every outgoing
 * message, verifies every incoming one, waits for each round's expected senders (or the round
 * timeout), and finally has all parties confirm the same output (round 5) before returning it.
 * Optionally (round 6) the parties threshold-sign one message per validator (e.g. the deposit
 * signing root) with their new shares; partials are verified against the public shares and combined.
 */
import { type Logger, silentLogger } from "@mzku/log";
import { fromHex, toHex } from "../bls/bytes.js";
import { combineVerifiedPartials, partialSign } from "../bls/threshold.js";
import type { DkgDefinition } from "./definition.js";
import { BROADCAST, type Envelope, open, seal } from "./envelope.js";
import { DkgError } from "./errors.js";
import type { Identity } from "./identity.js";
import { DkgParty, type DkgResult, resultDigest } from "./protocol.js";
import type { DkgTransport } from "./transport.js";

/** Rounds 1-5 are the DKG, 6 the optional signing round; anything else is dropped. */
const LAST_ROUND = 6;

export interface RunDkgOptions {
  readonly definition: DkgDefinition;
  readonly index: number;
  readonly identity: Identity;
  readonly transport: DkgTransport;
  /** Time to wait for every party's round 1 (peers may still be starting). Default 60 s. */
  readonly startTimeoutMs?: number;
  /** Time to wait for each later round. Default 20 s. */
  readonly roundTimeoutMs?: number;
  readonly log?: Logger;
  /** Tests inject a misbehaving party here. */
  readonly party?: DkgParty;
  /** If set, round 6 threshold-signs `messages(groupKeys)[v]` for every validator v. */
  readonly sign?: (groupPublicKeys: readonly Uint8Array[]) => readonly Uint8Array[];
}

export interface RunDkgResult extends DkgResult {
  /** Combined signatures of round 6 (one per validator), when `sign` was given. */
  readonly signatures?: readonly Uint8Array[];
  readonly timings: Readonly<Record<string, number>>;
}

class Inbox {
  private readonly rounds = new Map<number, Map<number, unknown>>();
  private wake: (() => void) | null = null;

  put(round: number, from: number, payload: unknown): void {
    let m = this.rounds.get(round);
    if (m === undefined) {
      m = new Map();
      this.rounds.set(round, m);
    }
    if (!m.has(from)) m.set(from, payload);
    this.wake?.();
  }

  /** Waits until every index in `expected` has a round-`round` message, or the deadline. */
  async collect(round: number, expected: ReadonlySet<number>, deadline: number): Promise<Map<number, unknown>> {
    for (;;) {
      const m = this.rounds.get(round) ?? new Map<number, unknown>();
      if ([...expected].every((i) => m.has(i)) || Date.now() >= deadline) return m;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
  }
}

export async function runDkg(opts: RunDkgOptions): Promise<RunDkgResult> {
  const { definition: def, index: me, identity, transport } = opts;
  const log = opts.log ?? silentLogger;
  const party = opts.party ?? new DkgParty(def, me);
  const session = party.session;
  const startTimeout = opts.startTimeoutMs ?? 60_000;
  const roundTimeout = opts.roundTimeoutMs ?? 20_000;
  const others = def.parties.map((p) => p.index).filter((i) => i !== me);
  const inbox = new Inbox();
  const timings: Record<string, number> = {};
  const t0 = performance.now();

  transport.onMessage((raw) => {
    try {
      const { env, payload } = open(def, session, me, raw);
      if (env.round < 1 || env.round > LAST_ROUND) throw new DkgError("DKG_BAD_MESSAGE", `no round ${env.round}`);
      inbox.put(env.round, env.from, payload);
      return true;
    } catch (e) {
      log.warn("Rejected DKG message", { code: (e as DkgError).code, reason: (e as Error).message });
      return false;
    }
  });

  const sendAll = async (round: number, envs: readonly [number, Envelope][], deadline: number): Promise<void> => {
    const results = await Promise.allSettled(envs.map(([to, env]) => transport.send(to, env, deadline)));
    results.forEach((r, k) => {
      if (r.status === "rejected")
        log.warn("DKG message not delivered", { round, to: envs[k]?.[0], reason: String(r.reason) });
    });
  };
  const broadcast = (round: number, payload: unknown, to: readonly number[], deadline: number) => {
    const env = seal(identity, session, round, me, BROADCAST, payload);
    return sendAll(
      round,
      to.map((j) => [j, env] as [number, Envelope]),
      deadline,
    );
  };
  const mark = (name: string) => {
    timings[name] = Math.round(performance.now() - t0);
  };

  // Round 1: commitments, proofs of possession, ephemeral keys.
  let deadline = Date.now() + startTimeout;
  const r1 = party.makeRound1();
  party.handleRound1(me, r1);
  const sending1 = broadcast(1, r1, others, deadline);
  const got1 = await inbox.collect(1, new Set(others), deadline);
  await sending1;
  for (const [from, p] of got1) party.handleRound1(from, p);
  party.closeRound1();
  mark("round1");
  log.info("DKG round 1 done", { received: got1.size, ms: timings.round1 });

  // Round 2: encrypted shares.
  deadline = Date.now() + roundTimeout;
  const r2 = party.makeRound2();
  const dealers = new Set([...r2.keys()]);
  const sending2 = sendAll(
    2,
    [...r2].map(([j, p]) => [j, seal(identity, session, 2, me, j, p)] as [number, Envelope]),
    deadline,
  );
  const got2 = await inbox.collect(2, dealers, deadline);
  await sending2;
  for (const [from, p] of got2) party.handleRound2(from, p);
  mark("round2");

  // Round 3: complaints and round-1 digests.
  deadline = Date.now() + roundTimeout;
  const r3 = party.makeRound3();
  if (r3.complaints.length > 0) log.warn("DKG complaints", { complaints: r3.complaints });
  const sending3 = broadcast(3, r3, [...dealers], deadline);
  const got3 = await inbox.collect(3, dealers, deadline);
  await sending3;
  for (const [from, p] of got3) party.handleRound3(from, p);
  mark("round3");

  // Round 4: accused dealers reveal; everyone always sends (possibly empty) so no one waits on silence.
  deadline = Date.now() + roundTimeout;
  const r4 = party.makeRound4();
  const sending4 = broadcast(4, r4, [...dealers], deadline);
  const accused = new Set(party.accused().filter((d) => d !== me));
  const got4 = await inbox.collect(4, accused, deadline);
  await sending4;
  party.handleRound4(me, r4);
  for (const [from, p] of got4) party.handleRound4(from, p);
  party.closeRound4(new Set([...got4.keys(), me]));
  const result = party.finish();
  mark("round4");
  if (result.disqualified.length > 0) log.warn("DKG dealers disqualified", { disqualified: result.disqualified });

  // Round 5: everyone confirms the same output.
  deadline = Date.now() + roundTimeout;
  const digest = resultDigest(result);
  const sending5 = broadcast(5, { digest }, [...dealers], deadline);
  const got5 = await inbox.collect(5, dealers, deadline);
  await sending5;
  let agree = 1;
  const qualified = new Set(result.qualified);
  for (const [from, p] of got5) {
    if (!qualified.has(from)) continue; // a disqualified dealer's view does not count
    if ((p as { digest?: unknown })?.digest !== digest) {
      throw new DkgError("DKG_INCONSISTENT_BROADCAST", `party ${from} computed a different DKG output`);
    }
    agree++;
  }
  if (agree < def.threshold)
    throw new DkgError("DKG_TIMEOUT", `only ${agree} part(ies) confirmed the output, need ${def.threshold}`);
  mark("round5");

  let signatures: Uint8Array[] | undefined;
  if (opts.sign !== undefined) {
    // Round 6: threshold-sign one message per validator with the new shares.
    deadline = Date.now() + roundTimeout;
    const messages = opts.sign(result.validators.map((v) => v.groupPublicKey));
    if (messages.length !== result.validators.length)
      throw new DkgError("DKG_WRONG_STATE", "need one message per validator");
    const partials = result.validators.map((v, k) =>
      toHex(partialSign({ index: me, secret: v.secretShare }, messages[k] as Uint8Array)),
    );
    const sending6 = broadcast(6, { partials }, [...dealers], deadline);
    const need = new Set([...dealers].filter((d) => d !== me));
    const got6 = await inbox.collect(6, need, deadline);
    await sending6;
    signatures = result.validators.map((v, k) => {
      const list = [{ index: me, signature: fromHex(partials[k] as string) }];
      for (const [from, p] of got6) {
        const hex = (p as { partials?: unknown })?.partials;
        const s = Array.isArray(hex) ? hex[k] : undefined;
        if (typeof s === "string" && /^0x[0-9a-f]{192}$/i.test(s)) list.push({ index: from, signature: fromHex(s) });
      }
      return combineVerifiedPartials({
        groupPublicKey: v.groupPublicKey,
        publicShares: new Map(v.publicShares.map((pk, i) => [i + 1, pk])),
        threshold: def.threshold,
        message: messages[k] as Uint8Array,
        partials: list,
        optimistic: true,
      }).signature;
    });
    mark("round6");
  }
  log.info("DKG finished", {
    validators: result.validators.length,
    qualified: result.qualified,
    ms: Math.round(performance.now() - t0),
  });
  return signatures === undefined ? { ...result, timings } : { ...result, signatures, timings };
}
