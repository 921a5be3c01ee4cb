import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";

export { freePorts } from "../ports.js";

/** The built `mzku-signer` bin (the same path from `src/testing/` and `dist/testing/`). */
export const SIGNER_BIN = join(import.meta.dirname, "../../dist/bin/mzku-signer.js");

/** `node --import` it to have the process report its first import of `@lodestar/params` (see the module). */
export const LODESTAR_PARAMS_PROBE = join(import.meta.dirname, "../../dist/testing/lodestarProbe.js");

/**
 * `node <argv>` until it prints its `{"event":"listening",…}` line, then `whileListening` (a check
 * against the server), SIGTERM and its exit awaited; or until it exits first. Resolves with the
 * listening line (undefined if it exited first), the exit code and stderr.
 */
export function runUntilListening(
  argv: string[],
  whileListening: (listening: { role: string; url: string }) => Promise<void> = async () => {},
  timeoutMs = 60_000,
): Promise<{ listening?: { role: string; url: string }; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let listening: { role: string; url: string } | undefined;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`no listening line within ${timeoutMs} ms: ${stderr}`));
    }, timeoutMs);
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.stdout.on("data", (d) => {
      stdout += d;
      const line = stdout.split("\n").find((l) => l.includes('"event":"listening"'));
      if (line !== undefined && listening === undefined) {
        const seen = JSON.parse(line) as { role: string; url: string };
        listening = seen;
        whileListening(seen).then(
          () => child.kill("SIGTERM"),
          (e: unknown) => {
            child.kill("SIGKILL");
            reject(e);
          },
        );
      }
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ ...(listening === undefined ? {} : { listening }), code, stderr });
    });
  });
}

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
 * `mzku-signer signer start --port 0 --log-level <logLevel> <args>` in `cwd`; resolves once it prints
 * its listening line, with its port and URL. Its stderr goes to the test's own (`"inherit"`) or is kept
 * (`"pipe"`, the default) for the error when it exits before listening. The child joins `children` (the
 * test's teardown kills whatever is left).
 */
export function startSignerBin(
  args: string[],
  options: { cwd: string; children: Set<ChildProcess>; logLevel: string; stderr?: "inherit" | "pipe" },
): Promise<{ port: number; url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [SIGNER_BIN, "signer", "start", "--port", "0", "--log-level", options.logLevel, ...args],
    { cwd: options.cwd, stdio: ["ignore", "pipe", options.stderr ?? "pipe"] },
  );
  options.children.add(child);
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (l) => {
      const j = JSON.parse(l) as { event?: string; port?: number; url?: string };
      if (j.event === "listening" && j.port !== undefined && j.url !== undefined)
        resolve({ port: j.port, url: j.url, child });
    });
    child.once("exit", (c) => reject(new Error(`signer exited ${c}${stderr ? `: ${stderr}` : ""}`)));
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
