// The aggregate round's SQLite state survives a restart (a reopened database), and each step of a
// period is recorded once; a share travels as 256 bytes and comes back as the same point.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { SidecarStore } from "../store/db.js";
import { blsKeyFromSidecarKey, g2FromHex, g2ToHex, verifyShare } from "./bls.js";
import { AggregateStore } from "./store.js";

describe("aggregate state", () => {
  it("keeps verdicts, shares and steps across a reopen, each once", () => {
    const dir = mkdtempSync(join(tmpdir(), "sidecar-agg-"));
    const auditor = privateKeyToAccount(generatePrivateKey()).address;
    const target = privateKeyToAccount(generatePrivateKey()).address;
    const v = {
      auditor: 0,
      target: 2,
      auditorAddress: auditor,
      targetAddress: target,
      period: 5n,
      up: false,
      signature: `0x${"11".repeat(65)}` as const,
    };
    let db = new SidecarStore(dir);
    let s = new AggregateStore(db.db);
    expect(s.addVerdict(v)).toBe(true);
    expect(s.addVerdict({ ...v, up: true })).toBe(false); // one verdict per auditor, target and period
    expect(s.addShare(5n, "0xaa", 1, "0x01")).toBe(true);
    expect(s.mark(5n, "posted", "0xhash")).toBe(true);
    db.close();
    db = new SidecarStore(dir);
    s = new AggregateStore(db.db);
    const { period: _, ...stored } = v;
    expect(s.verdicts(5n)).toEqual([stored]);
    expect(s.shares(5n, "0xaa")).toEqual(new Map([[1, "0x01"]]));
    expect(s.done(5n, "posted")).toBe(true);
    expect(s.mark(5n, "posted")).toBe(false);
    expect(s.done(5n, "finalized")).toBe(false);
    s.prune(6n);
    expect(s.verdicts(5n)).toEqual([]);
    expect(s.done(5n, "posted")).toBe(false);
    db.close();
  });

  it("a share survives its gossip encoding", () => {
    const key = blsKeyFromSidecarKey(generatePrivateKey());
    const share = key.sign("0x1234");
    const hex = g2ToHex(share);
    expect(hex.length).toBe(2 + 512);
    expect(g2FromHex(hex)).toEqual(share);
    expect(verifyShare(key.publicKey, "0x1234", g2FromHex(hex))).toBe(true);
    expect(verifyShare(key.publicKey, "0x1234", g2FromHex(`0x${"00".repeat(256)}`))).toBe(false);
  });
});
