import { spawn } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { type Deployment, parseDeployment } from "../deployment.js";
import { MzkuError } from "../errors.js";
import { contractsDir, foundryBinary } from "./foundry.js";

export type DeployProtocolOptions = {
  rpcUrl: string;
  /** Key of the deployer account (holds no power after the deployment). */
  privateKey: `0x${string}`;
  /** Deploy config JSON; default `contracts/config/devnet.json`. */
  configPath?: string;
  /** Name of the file written under `contracts/deployments/`; default `<chainId>-<port>`. */
  name?: string;
  /** Called with each line forge prints (progress). */
  onOutput?: (line: string) => void;
};

/**
 * Runs the production deploy script (`contracts/script/Deploy.s.sol`) against `rpcUrl` with forge and
 * returns the deployment it wrote.
 */
export async function deployProtocol(options: DeployProtocolOptions): Promise<Deployment> {
  const cwd = contractsDir();
  const configPath = resolve(options.configPath ?? join(cwd, "config", "devnet.json"));
  const name = options.name ?? `devnet-${new URL(options.rpcUrl).port || "rpc"}`;
  mkdirSync(join(cwd, "deployments"), { recursive: true });
  const args = [
    "script",
    "script/Deploy.s.sol:Deploy",
    "--rpc-url",
    options.rpcUrl,
    "--private-key",
    options.privateKey,
    "--broadcast",
    // One transaction at a time, each after the previous receipt: sent in a batch, anvil's automine
    // leaves a deploy transaction pending for good in about half the runs (seen on anvil 1.7.1).
    "--slow",
    "--non-interactive",
    // Compile only what the deployment needs: the sources and the script, not the tests (npm test builds those).
    "--skip",
    "test",
  ];
  const output = await run(
    foundryBinary("forge"),
    args,
    cwd,
    {
      MZKU_DEPLOY_CONFIG_JSON: readFileSync(configPath, "utf8"),
      MZKU_DEPLOYMENT_NAME: name,
    },
    options.onOutput,
  );
  const file = join(cwd, "deployments", `${name}.json`);
  try {
    return parseDeployment(readFileSync(file, "utf8"), file);
  } catch (cause) {
    throw new MzkuError("DEVNET_FAILED", `deploy script wrote no valid deployment at ${file}`, {
      details: { file, output: output.slice(-2000) },
      cause,
    });
  }
}

function run(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
  onOutput?: (line: string) => void,
): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    const collect = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      if (onOutput) for (const line of text.split("\n")) if (line.trim()) onOutput(line);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code === 0) resolveRun(output);
      else
        reject(
          new MzkuError("DEVNET_FAILED", `forge script exited with code ${code}`, {
            details: { exitCode: code, output: output.slice(-4000) },
          }),
        );
    });
  });
}
