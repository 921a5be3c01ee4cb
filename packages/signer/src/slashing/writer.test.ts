/**
 * The batcher with its transactions on a worker thread, as the built signer runs it (this test loads
 * the compiled modules: the worker imports the compiled database module). Same outcomes as in-thread,
 * records visible to the main connection, and an fsync that does not stall the event loop.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PKG = join(import.meta.dirname, "../..");
const DIST = join(PKG, "dist/slashing");
const PK = `0x${"b8".repeat(48)}`;
const GVR = `0x${"01".repeat(32)}`;
const root = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
let dir = "";

beforeAll(() => {
  // dist/ is built once by vitest's global setup (test-setup/build.ts)
  if (!existsSync(join(DIST, "writer.js"))) throw new Error("build failed: dist/slashing/writer.js missing");
  dir = mkdtempSync(join(tmpdir(), "sp-worker-"));
}, 120_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("slashing-protection writes on a worker thread", () => {
  it("gives the in-thread outcomes, commits to the same file, and keeps the event loop free", async () => {
    const { SlashingProtectionDb } = await import(join(DIST, "db.js"));
    const { SlashingBatcher } = await import(join(DIST, "batcher.js"));
    const { workerWriter } = await import(join(DIST, "writer.js"));
    const db = new SlashingProtectionDb(join(dir, "sp.sqlite"));
    expect(workerWriter(new SlashingProtectionDb(":memory:"))).toBeUndefined();
    const writer = workerWriter(db);
    expect(writer?.kind).toBe("worker");
    const b = new SlashingBatcher(db, { writer });
    const att = (target: number, r: number) =>
      b.submit({
        kind: "attestation",
        pubkey: PK,
        genesisValidatorsRoot: GVR,
        signingRoot: root(r),
        sourceEpoch: target - 1,
        targetEpoch: target,
      });
    // timers keep firing while batches commit (fsync) on the worker
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    const results = await Promise.allSettled([
      att(5, 1),
      att(5, 2),
      att(6, 3),
      att(5, 1),
      b.submit({ kind: "block", pubkey: PK, genesisValidatorsRoot: GVR, signingRoot: root(9), slot: 40 }),
      ...Array.from({ length: 200 }, (_, i) => att(100 + i, 1000 + i)),
    ]);
    clearInterval(timer);
    const reasons = results.map((r) =>
      r.status === "fulfilled" ? r.value : (r.reason as { details: { reason: string } }).details.reason,
    );
    expect(reasons.slice(0, 5)).toEqual(["new", "DOUBLE_VOTE", "new", "repeat", "new"]);
    expect(reasons.slice(5).every((r) => r === "new")).toBe(true);
    const refusal = (results[1] as PromiseRejectedResult).reason as { code: string; name: string };
    expect(refusal).toMatchObject({ code: "SIGNER_SLASHABLE", name: "SignerError" });
    expect(ticks).toBeGreaterThan(0);
    // committed: the main connection sees every record, and the chain binding
    expect(db.counts()).toEqual({ blocks: 1, attestations: 202 });
    expect(db.genesisValidatorsRoot()).toBe(GVR);
    await b.close();
    db.close();
  });
});
