import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { SignerError } from "../errors.js";
import { SlashingProtectionDb } from "./db.js";

const PK = `0x${"a9".repeat(48)}`;
const GVR = `0x${"04".repeat(32)}`;
const root = (n: number) => `0x${n.toString(16).padStart(64, "0")}`;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function reason(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    if (e instanceof SignerError) return e.details.reason;
    throw e;
  }
  return "allowed";
}

describe("SlashingProtectionDb", () => {
  it("uses WAL and keeps records across a reopen", () => {
    const dir = mkdtempSync(join(tmpdir(), "sp-"));
    dirs.push(dir);
    const file = join(dir, "sp.sqlite");
    const db = new SlashingProtectionDb(file);
    expect(db.checkAndInsertAttestation(PK, GVR, 1, 2, root(1))).toBe("new");
    expect(db.checkAndInsertBlock(PK, GVR, 16, root(2))).toBe("new");
    db.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    raw.close();
    const again = new SlashingProtectionDb(file);
    expect(reason(() => again.checkAndInsertAttestation(PK, GVR, 1, 2, root(3)))).toBe("DOUBLE_VOTE");
    expect(reason(() => again.checkAndInsertBlock(PK, GVR, 16, root(4)))).toBe("DOUBLE_BLOCK_PROPOSAL");
    expect(again.checkAndInsertBlock(PK, GVR, 16, root(2))).toBe("repeat");
    again.close();
  });

  it("refuses every slashable attestation shape", () => {
    const db = new SlashingProtectionDb(":memory:", { synchronous: "NORMAL" });
    expect(db.checkAndInsertAttestation(PK, GVR, 2, 5, root(1))).toBe("new");
    expect(reason(() => db.checkAndInsertAttestation(PK, GVR, 3, 4, root(2)))).toBe("SURROUNDED_VOTE");
    expect(reason(() => db.checkAndInsertAttestation(PK, GVR, 1, 6, root(2)))).toBe("SURROUNDING_VOTE");
    expect(reason(() => db.checkAndInsertAttestation(PK, GVR, 3, 5, root(2)))).toBe("DOUBLE_VOTE");
    expect(reason(() => db.checkAndInsertAttestation(PK, GVR, 7, 6, root(2)))).toBe("ATTESTATION_SOURCE_AFTER_TARGET");
    expect(reason(() => db.checkAndInsertAttestation(PK, GVR, 1, 3, root(2)))).toBe(
      "ATTESTATION_SOURCE_BELOW_LOWER_BOUND",
    );
    expect(db.checkAndInsertAttestation(PK, GVR, 5, 6, root(3))).toBe("new");
    expect(db.counts()).toEqual({ blocks: 0, attestations: 2 });
    db.close();
  });

  it("refuses a signing for another chain (genesis validators root)", () => {
    const db = new SlashingProtectionDb(":memory:", { synchronous: "NORMAL", genesisValidatorsRoot: GVR });
    expect(reason(() => db.checkAndInsertBlock(PK, `0x${"05".repeat(32)}`, 1, root(1)))).toBe(
      "GENESIS_VALIDATORS_ROOT_MISMATCH",
    );
    db.close();
  });

  it("exports what it imported and what it signed (round trip)", () => {
    const a = new SlashingProtectionDb(":memory:", { synchronous: "NORMAL" });
    a.checkAndInsertBlock(PK, GVR, 10, root(1));
    a.checkAndInsertAttestation(PK, GVR, 1, 2, root(2));
    const exported = a.exportInterchange();
    expect(exported.metadata).toEqual({ interchange_format_version: "5", genesis_validators_root: GVR });
    const b = new SlashingProtectionDb(":memory:", { synchronous: "NORMAL" });
    expect(b.importInterchange(exported)).toEqual({ validators: 1, blocks: 1, attestations: 1 });
    expect(b.importInterchange(exported)).toEqual({ validators: 1, blocks: 0, attestations: 0 });
    expect(b.exportInterchange()).toEqual(exported);
    expect(reason(() => b.checkAndInsertBlock(PK, GVR, 10, root(9)))).toBe("DOUBLE_BLOCK_PROPOSAL");
    a.close();
    b.close();
  });

  it("rejects malformed interchange documents as a whole", () => {
    const db = new SlashingProtectionDb(":memory:", { synchronous: "NORMAL" });
    const bad = [
      null,
      {},
      { metadata: { interchange_format_version: "4", genesis_validators_root: GVR }, data: [] },
      { metadata: { interchange_format_version: "5", genesis_validators_root: GVR }, data: [{ pubkey: "0x12" }] },
      {
        metadata: { interchange_format_version: "5", genesis_validators_root: GVR },
        data: [
          { pubkey: PK, signed_blocks: [{ slot: "1" }], signed_attestations: [] },
          { pubkey: PK, signed_blocks: [{ slot: "x" }], signed_attestations: [] },
        ],
      },
    ];
    for (const doc of bad) {
      expect(() => db.importInterchange(doc)).toThrowError(SignerError);
    }
    expect(db.counts()).toEqual({ blocks: 0, attestations: 0 });
    db.close();
  });
});

describe("high watermark", () => {
  it("refuses blocks at or above its slot and attestations reaching its epoch, until removed", () => {
    const db = new SlashingProtectionDb(":memory:", { synchronous: "NORMAL" });
    const pk = `0x${"aa".repeat(48)}`;
    const gvr = `0x${"01".repeat(32)}`;
    expect(db.highWatermark()).toEqual({});
    db.setHighWatermark({ epoch: 10n, slot: 320n });
    expect(db.highWatermark()).toEqual({ epoch: 10n, slot: 320n });
    expect(db.checkAndInsertBlock(pk, gvr, 319n, `0x${"01".repeat(32)}`)).toBe("new");
    const reason = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as { details?: { reason?: string } }).details?.reason;
      }
      return "signed";
    };
    expect(reason(() => db.checkAndInsertBlock(pk, gvr, 320n, `0x${"02".repeat(32)}`))).toBe("ABOVE_HIGH_WATERMARK");
    expect(reason(() => db.checkAndInsertAttestation(pk, gvr, 8n, 10n, `0x${"03".repeat(32)}`))).toBe(
      "ABOVE_HIGH_WATERMARK",
    );
    expect(reason(() => db.checkAndInsertAttestation(pk, gvr, 8n, 9n, `0x${"03".repeat(32)}`))).toBe("signed");
    db.setHighWatermark(null);
    expect(reason(() => db.checkAndInsertBlock(pk, gvr, 400n, `0x${"04".repeat(32)}`))).toBe("signed");
    db.close();
  });

  it("keeps uint64 slots exact up to 2^63-1 and refuses larger ones with 400", () => {
    const db = new SlashingProtectionDb(":memory:", { synchronous: "NORMAL" });
    const pk = `0x${"bb".repeat(48)}`;
    const gvr = `0x${"01".repeat(32)}`;
    const big = (1n << 62n) + 1n;
    expect(db.checkAndInsertBlock(pk, gvr, big, `0x${"01".repeat(32)}`)).toBe("new");
    expect(db.exportInterchange().data[0]?.signed_blocks[0]?.slot).toBe(String(big));
    let code: string | undefined;
    try {
      db.checkAndInsertBlock(pk, gvr, 1n << 63n, `0x${"02".repeat(32)}`);
    } catch (e) {
      code = (e as { code?: string }).code;
    }
    expect(code).toBe("SIGNER_BAD_REQUEST");
    // the lower bound compares exactly: big - 1 would round to big as a double
    let reason: string | undefined;
    try {
      db.checkAndInsertBlock(pk, gvr, big - 1n, `0x${"03".repeat(32)}`);
    } catch (e) {
      reason = (e as { details?: { reason?: string } }).details?.reason;
    }
    expect(reason).toBe("BLOCK_SLOT_BELOW_LOWER_BOUND");
    db.close();
  });
});
