// Test-only helpers: the built `mzku` as a child process, and a devnet it started.
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePorts } from "@mzku/sdk/devnet";

export const bin = join(import.meta.dirname, "..", "..", "dist", "bin", "mzku.js");

export type CliRun = { code: number; stdout: string; stderr: string; json: <T = Record<string, unknown>>() => T };

/** Runs `mzku args` to completion. */
export async function mzku(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const child = spawn(process.execPath, [bin, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const [code] = (await once(child, "exit")) as [number];
  return { code, stdout, stderr, json: <T>() => JSON.parse(stdout) as T };
}

export type TestDevnet = {
  rpcUrl: string;
  /** Environment for commands against this devnet (its RPC, a fresh data directory). */
  env: Record<string, string>;
  ready: {
    contracts: Record<string, `0x${string}`>;
    providers: {
      name: string;
      providerId: string;
      sidecar: string;
      sidecarStatusUrl: string;
      sidecarMetricsUrl: string;
    }[];
    accounts: Record<string, `0x${string}`>;
    apiUrl: string | null;
    readySeconds: number;
  };
  child: ChildProcess;
  stderr: () => string;
  stop: () => Promise<number>;
};

/** Starts `mzku devnet --json` on free ports and waits for its ready document. */
export async function startDevnet(extra: string[] = [], timeoutMs = 240_000): Promise<TestDevnet> {
  // Every port the devnet binds, free and distinct (the dashboard's default, RPC port + 15, may be taken).
  const [port, apiPort, dashboardPort] = (await freePorts(3)).map(String);
  const child = spawn(
    process.execPath,
    [
      bin,
      "devnet",
      "--port",
      port ?? "",
      "--api-port",
      apiPort ?? "",
      "--dashboard-port",
      dashboardPort ?? "",
      "--json",
      ...extra,
    ],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr?.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const deadline = Date.now() + timeoutMs;
  while (!stdout.trim().endsWith("}")) {
    if (child.exitCode !== null) throw new Error(`mzku devnet exited (${child.exitCode}): ${stderr.slice(-2000)}`);
    if (Date.now() > deadline) {
      child.kill("SIGINT");
      throw new Error(`mzku devnet not ready in time: ${stderr.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const ready = JSON.parse(stdout) as TestDevnet["ready"];
  const rpcUrl = `http://127.0.0.1:${port}`;
  return {
    rpcUrl,
    env: { MZKU_RPC: rpcUrl, MZKU_DATA_DIR: mkdtempSync(join(tmpdir(), "mzku-cli-test-")), MZKU_LOG_LEVEL: "warn" },
    ready,
    child,
    stderr: () => stderr,
    stop: async () => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill("SIGINT");
      const [code] = (await once(child, "exit")) as [number];
      return code;
    },
  };
}
