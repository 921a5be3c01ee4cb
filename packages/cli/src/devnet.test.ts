import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { governance } from "@mzku/sdk";
import { devWallet, freePort } from "@mzku/sdk/devnet";
import { describe, expect, it } from "vitest";

const bin = join(import.meta.dirname, "..", "dist", "bin", "mzku.js");

describe("mzku devnet", () => {
  it("deploys, seats the invited governors, prints the addresses, and stops everything on Ctrl-C", async () => {
    const port = await freePort();
    const child = spawn(process.execPath, [bin, "devnet", "--port", String(port)], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    const deadline = Date.now() + 120_000;
    while (!stdout.trim().endsWith("}") && Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`mzku devnet exited early (${child.exitCode}): ${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const printed = JSON.parse(stdout) as { rpcUrl: string; contracts: Record<string, `0x${string}`> };
    expect(printed.rpcUrl).toBe(`http://127.0.0.1:${port}`);
    const reader = devWallet(printed.rpcUrl, 0);
    const gov = printed.contracts.Governance;
    if (!gov) throw new Error("no Governance address printed");
    expect(await governance.governorCount(reader, { address: gov })).toBe(3n);
    const rewardPool = printed.contracts.RewardPool;
    expect(await governance.stakeObserver(reader, { address: gov })).toBe(rewardPool);

    child.kill("SIGINT");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
    await expect(fetch(printed.rpcUrl, { method: "POST" })).rejects.toThrow(); // anvil is gone
  }, 180_000);

  it("refuses a bad port with exit code 2 and a one-line reason", async () => {
    const child = spawn(process.execPath, [bin, "devnet", "--port", "99999"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    const [code] = await once(child, "exit");
    expect(code).toBe(2);
    expect(stderr.trim()).toBe("mzku: BAD_PORT: --port must be 1-65535, got 99999");
  });
});
