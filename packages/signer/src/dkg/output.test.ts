import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { toHex } from "../bls/bytes.js";
import { parseKeyShare } from "../cosigner/shares.js";
import { stopKdfWorker } from "../keystore/kdf.js";
import { DKG_VERSION, parseDefinition } from "./definition.js";
import { generateIdentity, loadIdentity } from "./identity.js";
import { loadDkgKeyShares, readDkgOutput, writeDkgOutput } from "./output.js";
import { runDkg } from "./runner.js";
import { MemoryHub } from "./transport.js";

const dir = mkdtempSync(join(tmpdir(), "mzku-dkg-out-"));
afterAll(async () => {
  await stopKdfWorker();
  rmSync(dir, { recursive: true, force: true });
});

describe("DKG output on disk", () => {
  it("writes keystores + public output, refuses to overwrite, and loads as co-signer key shares", async () => {
    const files = [generateIdentity(), generateIdentity(), generateIdentity()];
    const def = parseDefinition({
      version: DKG_VERSION,
      name: "out",
      nonce: toHex(randomBytes(16)),
      threshold: 2,
      validators: 2,
      parties: files.map((f, k) => ({ index: k + 1, identity: f.publicKey, url: `http://127.0.0.1:${9300 + k}` })),
    });
    const hub = new MemoryHub();
    const results = await Promise.all(
      def.parties.map((p) =>
        runDkg({
          definition: def,
          index: p.index,
          identity: loadIdentity(files[p.index - 1] as never),
          transport: hub.transport(p.index),
        }),
      ),
    );
    const r1 = results[0];
    if (!r1) throw new Error("no result");
    const kdf = { function: "pbkdf2", c: 1000 } as const;
    await writeDkgOutput(dir, def, r1, "password1", kdf);
    expect(readdirSync(join(dir, "keystores"))).toHaveLength(2);
    await expect(writeDkgOutput(dir, def, r1, "password1", kdf)).rejects.toMatchObject({ code: "DKG_WRONG_STATE" });
    const out = readDkgOutput(dir);
    expect(out.validators.map((v) => v.groupPublicKey)).toEqual(r1.validators.map((v) => toHex(v.groupPublicKey)));
    const shares = await loadDkgKeyShares(dir, "password1");
    for (const s of shares) {
      // The co-signer's own validation accepts them unchanged.
      const parsed = parseKeyShare({ version: 1, ...s, secretShare: toHex(s.secret) });
      expect(parsed.index).toBe(1);
      expect(parsed.threshold).toBe(2);
    }
    await expect(loadDkgKeyShares(dir, "wrong-password")).rejects.toMatchObject({ code: "KEYSTORE_WRONG_PASSWORD" });
  });
});
