import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { silentLogger } from "@mzku/log";
import { afterAll, describe, expect, it } from "vitest";
import { CoSigner } from "../cosigner/cosigner.js";
import { stopKdfWorker } from "../keystore/kdf.js";
import { encryptKeystore, PBKDF2_DEFAULT } from "../keystore/keystore.js";
import { SlashingProtectionDb } from "../slashing/db.js";
import { randomSecretKey, splitSecret } from "../testing/dealer.js";
import { CoSignerKeyManager, parseValidatorSet } from "./keymanager.js";

const hex = (b: Uint8Array) => `0x${Buffer.from(b).toString("hex")}`;
const dirs: string[] = [];
const GVR = `0x${"42".repeat(32)}`;
afterAll(async () => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await stopKdfWorker();
});

function setup(store: boolean) {
  const dealt = splitSecret(randomSecretKey(), 2, 3);
  const validators = parseValidatorSet({
    validators: [
      {
        groupPublicKey: hex(dealt.groupPublicKey),
        threshold: 2,
        publicShares: Object.fromEntries(dealt.publicShares.map((p) => [String(p.index), hex(p.publicKey)])),
      },
    ],
  });
  const dir = mkdtempSync(join(tmpdir(), "mzku-km-"));
  dirs.push(dir);
  const slashing = new SlashingProtectionDb(":memory:", { synchronous: "NORMAL", genesisValidatorsRoot: GVR });
  const cosigner = new CoSigner([]);
  const km = new CoSignerKeyManager({
    cosigner,
    validators,
    slashing,
    ...(store ? { store: { dir, password: "own" } } : {}),
    readonlyKeys: new Set(),
    logger: silentLogger,
  });
  return { dealt, dir, slashing, cosigner, km, pubkey: hex(dealt.groupPublicKey) };
}

// every test runs PBKDF2 and scrypt key derivations (a worker thread); a shared machine may take seconds
describe("co-signer key manager", { timeout: 30_000 }, () => {
  it("refuses the whole request, importing nothing, when its slashing history is refused", async () => {
    const { dealt, km, cosigner, dir } = setup(true);
    const ks = JSON.stringify(
      await encryptKeystore({ secret: dealt.shares[0]?.secret as Uint8Array }, "p", PBKDF2_DEFAULT),
    );
    const oldVersion = JSON.stringify({
      metadata: { interchange_format_version: "4", genesis_validators_root: GVR },
      data: [],
    });
    await expect(km.import([ks], ["p"], oldVersion)).rejects.toMatchObject({ code: "SIGNER_INTERCHANGE_INVALID" });
    const otherChain = JSON.stringify({
      metadata: { interchange_format_version: "5", genesis_validators_root: `0x${"43".repeat(32)}` },
      data: [],
    });
    await expect(km.import([ks], ["p"], otherChain)).rejects.toMatchObject({
      code: "SIGNER_SLASHABLE",
      details: { reason: "GENESIS_VALIDATORS_ROOT_MISMATCH" },
    });
    await expect(km.import([ks], ["p"], "{not json")).rejects.toMatchObject({ code: "SIGNER_BAD_REQUEST" });
    expect(cosigner.publicKeys()).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("refuses to import without a keystore directory (the share could not outlive the process)", async () => {
    const { dealt, km, cosigner } = setup(false);
    const ks = JSON.stringify(
      await encryptKeystore({ secret: dealt.shares[1]?.secret as Uint8Array }, "p", PBKDF2_DEFAULT),
    );
    const [r] = await km.import([ks], ["p"]);
    expect(r?.status).toBe("error");
    expect(r?.message).toMatch(/--keystores-dir/);
    expect(cosigner.publicKeys()).toEqual([]);
  });

  it("stores the share re-encrypted (not the imported file), and refuses to delete readonly keys", async () => {
    const { dealt, km, dir, pubkey, slashing, cosigner } = setup(true);
    const ks = JSON.stringify(
      await encryptKeystore({ secret: dealt.shares[2]?.secret as Uint8Array }, "p", PBKDF2_DEFAULT),
    );
    expect((await km.import([ks], ["p"]))[0]?.status).toBe("imported");
    expect(readdirSync(dir)).toEqual([`share-${pubkey.slice(2)}.json`]);
    const again = new CoSignerKeyManager({
      cosigner: new CoSigner([]),
      validators: parseValidatorSet({
        validators: [
          {
            groupPublicKey: pubkey,
            threshold: 2,
            publicShares: Object.fromEntries(dealt.publicShares.map((p) => [String(p.index), hex(p.publicKey)])),
          },
        ],
      }),
      slashing,
      store: { dir, password: "own" },
      readonlyKeys: new Set([pubkey]),
      logger: silentLogger,
    });
    expect(await again.loadStore()).toBe(1);
    const del = await again.delete([pubkey]);
    expect(del.data[0]?.status).toBe("error");
    expect(cosigner.publicKeys()).toEqual([pubkey]);
  });

  it("parses only well-formed public validator sets", () => {
    expect(() => parseValidatorSet({})).toThrow(/validators array/);
    expect(() =>
      parseValidatorSet({ validators: [{ groupPublicKey: "0x12", threshold: 2, publicShares: {} }] }),
    ).toThrow();
    expect(() =>
      parseValidatorSet({ validators: [{ groupPublicKey: `0x${"ab".repeat(48)}`, threshold: 3, publicShares: {} }] }),
    ).toThrow(/fewer public shares/);
  });
});
