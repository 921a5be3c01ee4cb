import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";

export { freePorts } from "../ports.js";

/** The built `mzku-signer` bin (the same path from `src/testing/` and `dist/testing/`). */
export const SIGNER_BIN = join(import.meta.dirname, "../../dist/bin/mzku-signer.js");

/**
 * `mzku-signer <args>` in its own process in `cwd`; resolves with its exit code and output. While it
 * runs, the child is in `children` (so the test's teardown can kill whatever is left).
 */
export function runSignerBin(
  args: string[],
  options: { cwd: string; children: Set<ChildProcess> },
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [SIGNER_BIN, ...args], {
      cwd: options.cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    options.children.add(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("exit", (code) => {
      options.children.delete(child);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/**
 * `keys dkg` arguments for party `index` in a folder laid out as `def.json` (the definition),
 * `id<index>.json` (its identity) and `pw` (the keystore password); it writes `out<index>/`.
 */
export function keysDkgArgs(index: number, deposit: { withdrawalAddress: string; forkVersion: string }): string[] {
  return [
    "keys",
    "dkg",
    "--definition",
    "def.json",
    "--identity",
    `id${index}.json`,
    "--index",
    String(index),
    "--out",
    `out${index}`,
    "--password-file",
    "pw",
    "--withdrawal-address",
    deposit.withdrawalAddress,
    "--fork-version",
    deposit.forkVersion,
  ];
}
