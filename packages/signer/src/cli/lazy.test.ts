import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LODESTAR_PARAMS_PROBE, runUntilListening, SIGNER_BIN } from "../testing/processes.js";

// Lodestar fixes its preset when `@lodestar/params` is first imported: the command lines must import it
// only once `signer start` has applied `--preset`.
const dir = mkdtempSync(join(tmpdir(), "signer-preset-"));
writeFileSync(join(dir, "validators.json"), JSON.stringify({ validators: [] }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const startArgs = (preset: string, db: string) => [
  ...["signer", "start", "--role", "cosigner", "--preset", preset],
  ...["--validators", join(dir, "validators.json"), "--db", join(dir, db), "--port", "0"],
];

/** The co-signer answers Web3Signer's upcheck while it runs. */
async function upcheck({ url }: { url: string }): Promise<void> {
  const res = await fetch(`${url}/upcheck`);
  expect(res.status).toBe(200);
}

describe("the signer's command lines choose the Lodestar preset before loading it", () => {
  it("importing @mzku/signer/cli, or `mzku-signer --help`, loads no @lodestar/params", () => {
    const cli = join(import.meta.dirname, "../../dist/cli/index.js");
    const imported = spawnSync(
      process.execPath,
      ["--import", LODESTAR_PARAMS_PROBE, "--input-type=module", "-e", `await import(${JSON.stringify(cli)})`],
      { encoding: "utf8" },
    );
    expect(imported.status).toBe(0);
    expect(imported.stderr).not.toContain("LODESTAR_PARAMS_LOADED");
    const help = spawnSync(process.execPath, ["--import", LODESTAR_PARAMS_PROBE, SIGNER_BIN, "--help"], {
      encoding: "utf8",
    });
    expect(help.stdout).toContain("signer start");
    expect(help.stderr).not.toContain("LODESTAR_PARAMS_LOADED");
    // the probe does see Lodestar when a command loads it
    const keys = spawnSync(
      process.execPath,
      ["--import", LODESTAR_PARAMS_PROBE, SIGNER_BIN, "keys", "deposit-data", "--nope"],
      { encoding: "utf8" },
    );
    expect(keys.stderr).toContain("LODESTAR_PARAMS_LOADED");
  }, 60_000);

  it("`mzku-signer signer start --preset minimal` (and mainnet) starts a real co-signer", async () => {
    for (const preset of ["minimal", "mainnet"]) {
      const run = await runUntilListening([SIGNER_BIN, ...startArgs(preset, `${preset}.sqlite`)], upcheck);
      expect(run.stderr).not.toContain("already loaded");
      expect(run.listening?.role).toBe("cosigner");
      expect(run.code).toBe(0);
    }
  }, 120_000);
});
