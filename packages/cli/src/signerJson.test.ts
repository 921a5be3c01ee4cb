// `mzku signer …` prints one JSON document with --json, as every other mzku command; a line for
// people without. Through the built `mzku`, on a real slashing-protection database.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { mzku } from "./test/cli.js";

const dir = mkdtempSync(join(tmpdir(), "mzku-signer-json-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("mzku signer --json", () => {
  it("import-interchange, export-interchange and high-watermark print one JSON document", async () => {
    const vector = JSON.parse(
      readFileSync(
        join(import.meta.dirname, "../../../vectors/eip3076/multiple_validators_multiple_blocks_and_attestations.json"),
        "utf8",
      ),
    ) as { genesis_validators_root: string; steps: { interchange: unknown }[] };
    const file = join(dir, "in.json");
    writeFileSync(file, JSON.stringify(vector.steps[0]?.interchange));
    const db = join(dir, "sp.sqlite");
    const root = ["--genesis-validators-root", vector.genesis_validators_root];
    const imported = await mzku(["signer", "import-interchange", "--db", db, "--file", file, ...root, "--json"]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.json()).toMatchObject({ db, file, validators: 3 });
    const again = await mzku(["signer", "import-interchange", "--db", db, "--file", file]);
    expect(again.stdout).toMatch(
      new RegExp(`^Imported ${file} into ${db}: 3 validators, \\d+ blocks, \\d+ attestations\\n$`),
    );

    const out = join(dir, "out.json");
    const exported = await mzku(["signer", "export-interchange", "--db", db, "--out", out, "--json"]);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.json()).toEqual({ db, out, validators: 3 });
    const toStdout = await mzku(["signer", "export-interchange", "--db", db, "--json"]);
    expect(toStdout.json()).toEqual(JSON.parse(readFileSync(out, "utf8")));

    const set = await mzku(["signer", "high-watermark", "--db", db, "--epoch", "300", "--slot", "9600", "--json"]);
    expect(set.code, set.stderr).toBe(0);
    expect(set.json()).toEqual({ epoch: "300", slot: "9600" });
    const shown = await mzku(["signer", "high-watermark", "--db", db]);
    expect(shown.stdout).toBe(
      `High watermark in ${db}: no block at or above slot 9600, no attestation reaching epoch 300\n`,
    );
    const removed = await mzku(["signer", "high-watermark", "--db", db, "--remove", "--json"]);
    expect(removed.json()).toEqual({});
  }, 120_000);
});
