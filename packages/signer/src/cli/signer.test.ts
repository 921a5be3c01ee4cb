import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { toHex } from "../bls/bytes.js";
import { splitSecret } from "../testing/dealer.js";
import {
  resolveChain,
  runSignerExportInterchange,
  runSignerHighWatermark,
  runSignerImportInterchange,
  runSignerStart,
} from "./signer.js";

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("signer CLI", () => {
  it("imports an interchange vector and exports it back (round trip through the file database)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-"));
    dirs.push(dir);
    const vector = JSON.parse(
      readFileSync(
        join(
          import.meta.dirname,
          "../../../../vectors/eip3076/multiple_validators_multiple_blocks_and_attestations.json",
        ),
        "utf8",
      ),
    ) as { genesis_validators_root: string; steps: Array<{ interchange: unknown }> };
    const file = join(dir, "in.json");
    writeFileSync(file, JSON.stringify(vector.steps[0]?.interchange));
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const gvr = ["--genesis-validators-root", vector.genesis_validators_root];
    const db = join(dir, "sp.sqlite");
    expect(await runSignerImportInterchange(["--db", db, "--file", file, ...gvr, "--json"])).toBe(0);
    expect(JSON.parse(String(out.mock.calls[0]?.[0]))).toMatchObject({ db, file, validators: 3 });
    // Imported again (nothing new), for people: one line.
    expect(await runSignerImportInterchange(["--db", db, "--file", file])).toBe(0);
    expect(String(out.mock.calls[1]?.[0])).toMatch(
      new RegExp(`^Imported ${file} into ${db}: 3 validators, \\d+ blocks, \\d+ attestations\n$`),
    );
    expect(await runSignerExportInterchange(["--db", db, "--out", join(dir, "out.json")])).toBe(0);
    expect(String(out.mock.calls[2]?.[0])).toBe(
      `Wrote the history of 3 validators in ${db} to ${join(dir, "out.json")}\n`,
    );
    expect(await runSignerExportInterchange(["--db", db, "--out", join(dir, "out2.json"), "--json"])).toBe(0);
    expect(JSON.parse(String(out.mock.calls[3]?.[0]))).toEqual({ db, out: join(dir, "out2.json"), validators: 3 });
    const exported = JSON.parse(readFileSync(join(dir, "out.json"), "utf8")) as { data: unknown[] };
    expect(exported.data).toHaveLength(3);
    expect(readFileSync(join(dir, "out2.json"), "utf8")).toBe(readFileSync(join(dir, "out.json"), "utf8"));
  });

  it("import-interchange refuses another chain's interchange, and needs the root for a fresh database", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-"));
    dirs.push(dir);
    const vector = JSON.parse(
      readFileSync(join(import.meta.dirname, "../../../../vectors/eip3076/wrong_genesis_validators_root.json"), "utf8"),
    ) as { genesis_validators_root: string; steps: Array<{ interchange: unknown }> };
    const file = join(dir, "in.json");
    writeFileSync(file, JSON.stringify(vector.steps[0]?.interchange));
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const db = join(dir, "sp.sqlite");
    expect(await runSignerImportInterchange(["--db", db, "--file", file])).toBe(2);
    expect(String(err.mock.calls[0]?.[0])).toMatch(/^mzku-signer: USAGE: --genesis-validators-root/);
    await expect(
      runSignerImportInterchange([
        "--db",
        db,
        "--file",
        file,
        "--genesis-validators-root",
        vector.genesis_validators_root,
      ]),
    ).rejects.toMatchObject({ code: "SIGNER_SLASHABLE", details: { reason: "GENESIS_VALIDATORS_ROOT_MISMATCH" } });
  });

  it("exits 2 with a usage error for missing options", async () => {
    const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    expect(await runSignerStart([])).toBe(2);
    expect(await runSignerStart(["--role", "cosigner"])).toBe(2);
    expect(await runSignerImportInterchange(["--db", "x"])).toBe(2);
    expect(String(err.mock.calls[0]?.[0])).toMatch(/^mzku-signer: USAGE: --role cosigner\|combiner/);
  });

  it("a malformed --genesis-fork-version is a usage error: exit 2, one `mzku-signer: USAGE:` line", () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-"));
    dirs.push(dir);
    const dealt = splitSecret(new Uint8Array(32).fill(7), 2, 3);
    const share = dealt.shares[0];
    if (!share) throw new Error("no share");
    const shareFile = join(dir, "share1.json");
    writeFileSync(
      shareFile,
      JSON.stringify({
        version: 1,
        groupPublicKey: toHex(dealt.groupPublicKey),
        threshold: 2,
        index: share.index,
        secretShare: toHex(share.secret),
        publicShares: Object.fromEntries(dealt.publicShares.map((p) => [String(p.index), toHex(p.publicKey)])),
      }),
    );
    const bin = join(import.meta.dirname, "../../dist/bin/mzku-signer.js");
    const args = ["signer", "start", "--role", "cosigner", "--shares", shareFile, "--db", join(dir, "sp.sqlite")];
    const r = spawnSync(process.execPath, [bin, ...args, "--port", "0", "--genesis-fork-version", "0x1234"], {
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe("mzku-signer: USAGE: --genesis-fork-version must be 0x + 4 bytes\n");
    const badLevel = spawnSync(process.execPath, [bin, ...args, "--log-level", "loud"], {
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(badLevel.status).toBe(2);
    expect(badLevel.stderr).toMatch(/^mzku-signer: LOG_LEVEL_INVALID: --log-level must be one of/);
  });

  it("high-watermark sets, prints and removes the watermark of a database", async () => {
    const dir = mkdtempSync(join(tmpdir(), "cli-"));
    dirs.push(dir);
    const db = join(dir, "sp.sqlite");
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    expect(await runSignerHighWatermark(["--db", db, "--epoch", "100", "--slot", "3200", "--json"])).toBe(0);
    expect(await runSignerHighWatermark(["--db", db, "--json"])).toBe(0);
    expect(await runSignerHighWatermark(["--db", db, "--remove", "--json"])).toBe(0);
    expect(out.mock.calls.map((c) => JSON.parse(String(c[0])) as unknown)).toEqual([
      { epoch: "100", slot: "3200" },
      { epoch: "100", slot: "3200" },
      {},
    ]);
    expect(await runSignerHighWatermark(["--db", db, "--epoch", "7", "--slot", "224"])).toBe(0);
    expect(await runSignerHighWatermark(["--db", db, "--remove"])).toBe(0);
    expect(out.mock.calls.slice(3).map((c) => String(c[0]))).toEqual([
      `High watermark in ${db}: no block at or above slot 224, no attestation reaching epoch 7\n`,
      `No high watermark in ${db}\n`,
    ]);
    expect(await runSignerHighWatermark(["--db", db, "--epoch", "1"])).toBe(2);
    expect(await runSignerHighWatermark(["--db", db, "--epoch", "1e3", "--slot", "2"])).toBe(2);
  });

  it("--network sets the preset and the genesis fork version together", () => {
    const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
    const want: Record<string, [string, string]> = {
      mainnet: ["mainnet", "00000000"],
      sepolia: ["mainnet", "90000069"],
      holesky: ["mainnet", "01017000"],
      hoodi: ["mainnet", "10000910"],
      devnet: ["minimal", "00000001"],
    };
    for (const [name, [preset, gfv]] of Object.entries(want)) {
      const c = resolveChain(name, undefined, undefined);
      if (typeof c === "string") throw new Error(c);
      expect([c.preset, hex(c.genesisForkVersion), c.network?.name], name).toEqual([preset, gfv, name]);
    }
    // a hand-set genesis fork version of a known network still selects it (and its EIP-7044 table)
    const byVersion = resolveChain(undefined, "mainnet", "0x10000910");
    expect(typeof byVersion !== "string" && byVersion.network?.name).toBe("hoodi");
    const custom = resolveChain(undefined, "mainnet", "0x12345678");
    expect(typeof custom !== "string" && custom.network).toBeUndefined();
    expect(resolveChain("hoodi", "minimal", undefined)).toMatch(/contradicts/);
    expect(resolveChain("sepolia", undefined, "0x00000000")).toMatch(/contradicts/);
    expect(resolveChain("goerli", undefined, undefined)).toMatch(/--network must be one of/);
  });
});
