import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { protocolContractNames } from "@mzku/sdk";
import { afterAll, describe, expect, it } from "vitest";
import { readDeploymentFile } from "./deploymentFile.js";

const dir = mkdtempSync(join(tmpdir(), "mzku-sidecar-deployment-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("readDeploymentFile", () => {
  it("refuses a missing file at once by default, naming it", async () => {
    const file = join(dir, "none.json");
    await expect(readDeploymentFile(file)).rejects.toThrow(`deployment: ${file} does not exist`);
  });

  it("waits for a file that appears while it waits (written whole, by rename)", async () => {
    const file = join(dir, "later.json");
    const text = deploymentJson();
    setTimeout(() => {
      writeFileSync(`${file}.tmp`, text);
      renameSync(`${file}.tmp`, file);
    }, 300);
    const started = Date.now();
    const d = await readDeploymentFile(file, 10_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(d.chainId).toBe(31337);
  });

  it("gives up after the wait, saying how long it waited", async () => {
    const file = join(dir, "never.json");
    await expect(readDeploymentFile(file, 300)).rejects.toThrow(
      `deployment: ${file} does not exist (waited 300 ms for it)`,
    );
  });
});

/** A deployment document as the deploy script writes it: the chain id and every contract's address. */
function deploymentJson(): string {
  const contracts = Object.fromEntries(
    protocolContractNames.map((name, i) => [name, `0x${(i + 1).toString(16).padStart(40, "0")}`]),
  );
  return JSON.stringify({ chainId: 31337, startBlock: 1, ...contracts });
}
