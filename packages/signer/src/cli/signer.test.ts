import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runSignerExportInterchange, runSignerImportInterchange, runSignerStart } from "./signer.js";

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
    expect(await runSignerImportInterchange(["--db", join(dir, "sp.sqlite"), "--file", file, ...gvr])).toBe(0);
    expect(String(out.mock.calls[0]?.[0])).toMatch(/"event":"imported","validators":3/);
    expect(await runSignerExportInterchange(["--db", join(dir, "sp.sqlite"), "--out", join(dir, "out.json")])).toBe(0);
    const exported = JSON.parse(readFileSync(join(dir, "out.json"), "utf8")) as { data: unknown[] };
    expect(exported.data).toHaveLength(3);
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
    expect(String(err.mock.calls[0]?.[0])).toMatch(/^error USAGE: --genesis-validators-root/);
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
    expect(String(err.mock.calls[0]?.[0])).toMatch(/^error USAGE: --role cosigner\|combiner/);
  });
});
