import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { fromHex, toHex } from "../bls/bytes.js";
import { Fr } from "../bls/field.js";
import { combinePartials, partialSign, verify, verifyPartial } from "../bls/threshold.js";
import { DKG_VERSION, type DkgDefinition, parseDefinition } from "./definition.js";
import { open, seal } from "./envelope.js";
import { generateIdentity, type Identity, loadIdentity } from "./identity.js";
import { DkgParty, type Round1Payload } from "./protocol.js";
import { type RunDkgResult, runDkg } from "./runner.js";
import { MemoryHub } from "./transport.js";

function setup(t: number, n: number, validators: number): { def: DkgDefinition; ids: Identity[] } {
  const files = Array.from({ length: n }, () => generateIdentity());
  const def = parseDefinition({
    version: DKG_VERSION,
    name: "test",
    nonce: toHex(randomBytes(16)),
    threshold: t,
    validators,
    parties: files.map((f, k) => ({ index: k + 1, identity: f.publicKey, url: `http://127.0.0.1:${9000 + k}` })),
  });
  return { def, ids: files.map(loadIdentity) };
}

async function runAll(
  def: DkgDefinition,
  ids: Identity[],
  hub: MemoryHub,
  parties: Partial<Record<number, DkgParty>> = {},
): Promise<PromiseSettledResult<RunDkgResult>[]> {
  return Promise.allSettled(
    def.parties.map((p) => {
      const party = parties[p.index];
      return runDkg({
        definition: def,
        index: p.index,
        identity: ids[p.index - 1] as Identity,
        transport: hub.transport(p.index),
        startTimeoutMs: 15_000,
        roundTimeoutMs: 8000,
        ...(party ? { party } : {}),
      });
    }),
  );
}

function fulfilled(results: PromiseSettledResult<RunDkgResult>[], indices: number[]): RunDkgResult[] {
  return indices.map((i) => {
    const r = results[i - 1];
    if (r?.status !== "fulfilled") throw new Error(`party ${i} failed: ${String((r as PromiseRejectedResult).reason)}`);
    return r.value;
  });
}

/** Every t-subset of shares signs a message that verifies under the group key; t−1 do not. */
function checkSigning(results: RunDkgResult[], t: number): void {
  const msg = randomBytes(32);
  const m = results[0]?.validators.length ?? 0;
  for (let v = 0; v < m; v++) {
    const group = results[0]?.validators[v]?.groupPublicKey as Uint8Array;
    const partials = results.map((r) => {
      const key = r.validators[v];
      if (!key) throw new Error("missing key");
      expect(toHex(key.groupPublicKey)).toBe(toHex(group));
      const sig = partialSign({ index: r.index, secret: key.secretShare }, msg);
      expect(verifyPartial(key.publicShares[r.index - 1] as Uint8Array, msg, sig)).toBe(true);
      return { index: r.index, signature: sig };
    });
    expect(verify(group, msg, combinePartials(partials.slice(0, t)))).toBe(true);
    expect(verify(group, msg, combinePartials(partials.slice(-t)))).toBe(true);
    expect(verify(group, msg, combinePartials(partials.slice(0, t - 1)))).toBe(false);
  }
}

describe("DKG in process", { timeout: 60_000 }, () => {
  it("3-of-4 with 5 validators: all parties agree, no one holds the group secret, shares sign", async () => {
    const { def, ids } = setup(3, 4, 5);
    const hub = new MemoryHub();
    const results = fulfilled(await runAll(def, ids, hub), [1, 2, 3, 4]);
    for (const r of results) {
      expect(r.qualified).toEqual([1, 2, 3, 4]);
      expect(r.disqualified).toEqual([]);
      expect(r.validators.map((v) => toHex(v.groupPublicKey))).toEqual(
        results[0]?.validators.map((v) => toHex(v.groupPublicKey)),
      );
      // Every party's view of every public share is identical.
      expect(r.validators.map((v) => v.publicShares.map(toHex))).toEqual(
        results[0]?.validators.map((v) => v.publicShares.map(toHex)),
      );
    }
    // Group keys are distinct across validators (independent polynomials).
    expect(new Set(results[0]?.validators.map((v) => toHex(v.groupPublicKey))).size).toBe(5);
    checkSigning(results, 3);
  });

  it("2-of-2 and 2-of-3 work", async () => {
    for (const [t, n] of [
      [2, 2],
      [2, 3],
    ] as const) {
      const { def, ids } = setup(t, n, 2);
      const results = fulfilled(
        await runAll(def, ids, new MemoryHub()),
        Array.from({ length: n }, (_, k) => k + 1),
      );
      checkSigning(results, t);
    }
  });

  it("a dealer that sends a bad share but answers the complaint with the right share stays qualified", async () => {
    const { def, ids } = setup(3, 4, 3);
    class Sloppy extends DkgParty {
      revealing = false;
      protected override shareFor(v: number, j: number): bigint {
        const s = super.shareFor(v, j);
        return j === 3 && !this.revealing ? Fr.add(s, 1n) : s;
      }
      override makeRound4() {
        this.revealing = true;
        return super.makeRound4();
      }
    }
    const results = fulfilled(await runAll(def, ids, new MemoryHub(), { 2: new Sloppy(def, 2) }), [1, 2, 3, 4]);
    for (const r of results) expect(r.qualified).toEqual([1, 2, 3, 4]);
    checkSigning(results, 3);
  });

  it("a cheating dealer (bad share, bad reveal) is detected and excluded; the others still get a working key", async () => {
    const { def, ids } = setup(3, 4, 3);
    class Cheater extends DkgParty {
      protected override shareFor(v: number, j: number): bigint {
        const s = super.shareFor(v, j);
        return j === 3 ? Fr.add(s, 1n) : s;
      }
    }
    const settled = await runAll(def, ids, new MemoryHub(), { 2: new Cheater(def, 2) });
    const honest = fulfilled(settled, [1, 3, 4]);
    for (const r of honest) {
      expect(r.qualified).toEqual([1, 3, 4]);
      expect(r.disqualified.map((d) => d.index)).toEqual([2]);
      expect(r.disqualified[0]?.reason).toMatch(/revealed share for party 3 is invalid/);
    }
    checkSigning(honest, 3);
    // The cheater runs the same checks on its own reveal, so even its view excludes itself.
    const cheaterView = settled[1];
    if (cheaterView?.status === "fulfilled") expect(cheaterView.value.qualified).toEqual([1, 3, 4]);
  });

  it("a dealer with a bad proof of possession is excluded in round 1 by everyone", async () => {
    const { def, ids } = setup(2, 3, 2);
    class RogueKey extends DkgParty {
      override makeRound1(): Round1Payload {
        const r = super.makeRound1();
        const other = r.validators[1];
        return { ...r, validators: r.validators.map((v, k) => (k === 0 && other ? { ...v, pop: other.pop } : v)) };
      }
    }
    const settled = await runAll(def, ids, new MemoryHub(), { 3: new RogueKey(def, 3) });
    const honest = fulfilled(settled, [1, 2]);
    for (const r of honest) {
      expect(r.qualified).toEqual([1, 2]);
      expect(r.disqualified[0]?.reason).toMatch(/proof of possession/);
    }
    checkSigning(honest, 2);
    // The rogue party gets no shares from the honest ones and cannot finish.
    expect(settled[2]?.status).toBe("rejected");
  }, 60_000);

  it("an equivocating dealer (different round 1 to different parties) makes the ceremony abort", async () => {
    const { def, ids } = setup(2, 3, 1);
    const hub = new MemoryHub();
    const twin = new DkgParty(def, 1);
    const otherRound1 = twin.makeRound1();
    hub.intercept = (to, env) =>
      env.from === 1 && env.round === 1 && to === 3
        ? seal(ids[0] as Identity, twin.session, 1, 1, 0, otherRound1)
        : env;
    const settled = await runAll(def, ids, hub);
    const reasons = settled.filter((r) => r.status === "rejected").map((r) => (r as PromiseRejectedResult).reason.code);
    expect(reasons.length).toBeGreaterThanOrEqual(2);
    expect(reasons).toContain("DKG_INCONSISTENT_BROADCAST");
  });

  it("11-of-16 (the largest supported committee) works", async () => {
    const { def, ids } = setup(11, 16, 1);
    const results = fulfilled(
      await runAll(def, ids, new MemoryHub()),
      Array.from({ length: 16 }, (_, k) => k + 1),
    );
    checkSigning(results, 11);
  }, 60_000);

  it("a party that never shows up is left out after the start timeout; the other three finish", async () => {
    const { def, ids } = setup(3, 4, 2);
    const hub = new MemoryHub();
    const results = await Promise.all(
      [1, 2, 3].map((i) =>
        runDkg({
          definition: def,
          index: i,
          identity: ids[i - 1] as Identity,
          transport: hub.transport(i),
          startTimeoutMs: 1000,
          roundTimeoutMs: 2000,
        }),
      ),
    );
    for (const r of results) {
      expect(r.qualified).toEqual([1, 2, 3]);
      expect(r.disqualified).toEqual([{ index: 4, reason: "round 1: no message" }]);
    }
    checkSigning(results, 3);
  }, 20_000);

  it("round 6 threshold-signs one message per validator with the new shares", async () => {
    const { def, ids } = setup(2, 3, 2);
    const hub = new MemoryHub();
    const msgs = [randomBytes(32), randomBytes(32)];
    const results = await Promise.all(
      def.parties.map((p) =>
        runDkg({
          definition: def,
          index: p.index,
          identity: ids[p.index - 1] as Identity,
          transport: hub.transport(p.index),
          sign: () => msgs,
        }),
      ),
    );
    for (const r of results) {
      r.signatures?.forEach((s, v) => {
        expect(verify(r.validators[v]?.groupPublicKey as Uint8Array, msgs[v] as Uint8Array, s)).toBe(true);
      });
      expect(r.signatures?.map(toHex)).toEqual(results[0]?.signatures?.map(toHex));
    }
  });
});

describe("DKG envelopes", () => {
  const { def, ids } = setup(2, 3, 1);
  const party = new DkgParty(def, 2);
  const env = seal(ids[0] as Identity, party.session, 1, 1, 0, { hello: 1 });

  it("accepts a message signed by the sender's identity", () => {
    expect(open(def, party.session, 2, env).payload).toEqual({ hello: 1 });
  });
  it("rejects a tampered payload, a forged sender, a wrong session and a misdirected message", () => {
    expect(() => open(def, party.session, 2, { ...env, payload: '{"hello":2}' })).toThrow(
      expect.objectContaining({ code: "DKG_BAD_SIGNATURE" }),
    );
    expect(() => open(def, party.session, 2, { ...env, from: 3 })).toThrow(
      expect.objectContaining({ code: "DKG_BAD_SIGNATURE" }),
    );
    expect(() => open(def, new Uint8Array(32), 2, env)).toThrow(expect.objectContaining({ code: "DKG_BAD_MESSAGE" }));
    const direct = seal(ids[0] as Identity, party.session, 2, 1, 3, {});
    expect(() => open(def, party.session, 2, direct)).toThrow(expect.objectContaining({ code: "DKG_BAD_MESSAGE" }));
    expect(() => open(def, party.session, 2, { ...env, sig: toHex(fromHex(env.sig).reverse()) })).toThrow(
      expect.objectContaining({ code: "DKG_BAD_SIGNATURE" }),
    );
  });
  it("rejects invalid definitions", () => {
    const good = { ...def, parties: def.parties.map((p) => ({ ...p })) };
    expect(() => parseDefinition({ ...good, threshold: 1 })).toThrow(
      expect.objectContaining({ code: "DKG_INVALID_DEFINITION" }),
    );
    expect(() => parseDefinition({ ...good, threshold: 4 })).toThrow(
      expect.objectContaining({ code: "DKG_INVALID_DEFINITION" }),
    );
    expect(() => parseDefinition({ ...good, validators: 0 })).toThrow(
      expect.objectContaining({ code: "DKG_INVALID_DEFINITION" }),
    );
    expect(() => parseDefinition({ ...good, parties: [good.parties[0], good.parties[0]] })).toThrow(
      expect.objectContaining({ code: "DKG_INVALID_DEFINITION" }),
    );
  });
});
