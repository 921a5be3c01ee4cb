import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LODESTAR_PARAMS_PROBE, runUntilListening } from "@mzku/signer/testing";
import { afterAll, describe, expect, it } from "vitest";

// Lodestar fixes its preset when `@lodestar/params` is first imported, so no module `mzku` loads at start
// may import it: `mzku signer start --preset minimal` applies the preset, then loads the signing code.
const bin = join(import.meta.dirname, "..", "dist", "bin", "mzku.js");
const dir = mkdtempSync(join(tmpdir(), "mzku-signer-preset-"));
writeFileSync(join(dir, "validators.json"), JSON.stringify({ validators: [] }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("mzku chooses the signer's Lodestar preset before loading Lodestar", () => {
  it("`mzku --help` (every command's module) loads no @lodestar/params", () => {
    const help = spawnSync(process.execPath, ["--import", LODESTAR_PARAMS_PROBE, bin, "--help"], { encoding: "utf8" });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("signer start");
    expect(help.stderr).not.toContain("LODESTAR_PARAMS_LOADED");
  }, 60_000);

  it("`mzku signer start --preset minimal` starts a real co-signer", async () => {
    const run = await runUntilListening(
      [
        bin,
        ...["signer", "start", "--role", "cosigner", "--preset", "minimal", "--port", "0"],
        ...["--validators", join(dir, "validators.json"), "--db", join(dir, "sp.sqlite")],
      ],
      async ({ url }) => {
        expect((await fetch(`${url}/upcheck`)).status).toBe(200);
      },
    );
    expect(run.stderr).not.toContain("already loaded");
    expect(run.listening?.role).toBe("cosigner");
    expect(run.code).toBe(0);
  }, 60_000);
});
