// What the two devnet benches (bench/devnet, bench/devnet-validators) share: starting `mzku devnet`
// until its ready document, the machine they ran on, and how their numbers are summarised.
import { spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { cpus, platform, release, totalmem } from "node:os";
import { join } from "node:path";
import { freePort } from "@mzku/signer/ports";

/**
 * `mzku devnet` arguments on free ports: `--port`, `--api-port` (with `beacon` also `--beacon-port`,
 * `--signer-port`) and `--json`; `port` is the chain's.
 */
export async function devnetArgs({ beacon = false } = {}) {
  const ports = {
    "--port": await freePort(),
    "--api-port": await freePort(),
    ...(beacon ? { "--beacon-port": await freePort(), "--signer-port": await freePort() } : {}),
  };
  return {
    port: ports["--port"],
    args: [...Object.entries(ports).flatMap(([k, v]) => [k, String(v)]), "--json"],
  };
}

/**
 * Spawns `command args` (`mzku devnet … --json`, directly or through `npm start`) in `cwd` and waits
 * until it printed the devnet's ready document (the JSON object that ends its stdout). Then stops it
 * with `signal` — sent to its whole process group with `group` (`npm start` runs mzku as a child), else
 * to the process alone — waits for its exit and removes the deployment file of its chain (`port`).
 * Returns the seconds from the spawn until ready, the ready document, and the seconds the stop took.
 */
export async function untilReady(command, args, { cwd, port, signal = "SIGINT", group = false }) {
  const started = performance.now();
  const child = spawn(command, args, {
    cwd,
    detached: group,
    env: { ...process.env, MZKU_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout.on("data", (c) => (out += c));
  child.stderr.on("data", (c) => (err += c));
  const seconds = await new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (/\n?\{[\s\S]*"readySeconds"[\s\S]*\}\s*$/.test(out)) {
        clearInterval(timer);
        resolve((performance.now() - started) / 1000);
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`${command} ${args.join(" ")} exited ${child.exitCode}: ${(out + err).slice(-3000)}`));
      }
    }, 50);
  });
  const ready = JSON.parse(out.slice(out.search(/^\{/m)));
  const stopStarted = performance.now();
  if (group) process.kill(-child.pid, signal);
  else child.kill(signal);
  await new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", r)));
  rmSync(join(cwd, "contracts/deployments", `devnet-${port}.json`), { force: true });
  return { seconds, ready, stopSeconds: (performance.now() - stopStarted) / 1000 };
}

/** The machine a bench ran on, for its raw results. */
export const machine = () => ({
  cpus: cpus().length,
  model: cpus()[0]?.model,
  memGiB: Math.round(totalmem() / 2 ** 30),
  platform: platform(),
  release: release(),
});

export const round = (x) => Math.round(x * 10) / 10;
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
