import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { MzkuError } from "../errors.js";

const require = createRequire(import.meta.url);

/**
 * Path of a Foundry binary (`anvil`, `forge`, `cast`) from its npm platform package. We run the binary
 * itself rather than the npm wrapper script so that the PID we hold is the process we must stop.
 */
export function foundryBinary(tool: "anvil" | "forge" | "cast"): string {
  const pkg = `@foundry-rs/${tool}-${process.platform}-${process.arch === "x64" ? "amd64" : process.arch}`;
  try {
    return join(dirname(require.resolve(`${pkg}/package.json`)), "bin", tool);
  } catch (cause) {
    throw new MzkuError("DEVNET_FAILED", `${tool}: package ${pkg} is not installed (run npm ci)`, { cause });
  }
}

/** The contracts workspace (Foundry project root). */
export function contractsDir(): string {
  return dirname(require.resolve("@mzku/contracts/package.json"));
}
