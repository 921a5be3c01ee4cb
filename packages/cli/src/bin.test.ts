import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { UsageError } from "@mzku/errors";
import { describe, expect, it } from "vitest";
import { takeLogLevelFlag } from "./logLevelFlag.js";

const bin = join(import.meta.dirname, "..", "dist", "bin", "mzku.js");

async function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => {
    stderr += c.toString();
  });
  const [code] = (await once(child, "exit")) as [number];
  return { code, stderr: stderr.trim() };
}

describe("mzku failures", () => {
  it("bad input exits 2 with one `mzku: CODE: reason` line", async () => {
    expect(await run(["nope"])).toEqual({
      code: 2,
      stderr: 'mzku: UNKNOWN_COMMAND: unknown command "nope" (try mzku --help)',
    });
    expect(await run(["devnet", "--bogus"])).toEqual({ code: 2, stderr: "mzku: USAGE: Unknown option '--bogus'" });
    expect(await run(["devnet", "--log-level", "loud"])).toEqual({
      code: 2,
      stderr: 'mzku: LOG_LEVEL_INVALID: --log-level must be one of debug, info, warn, error, got "loud"',
    });
    expect(await run(["devnet"], { MZKU_LOG_LEVEL: "trace" })).toEqual({
      code: 2,
      stderr: 'mzku: LOG_LEVEL_INVALID: MZKU_LOG_LEVEL must be one of debug, info, warn, error, got "trace"',
    });
  }, 60_000); // four node processes, one after another: seconds each on a loaded 2-core machine
});

describe("mzku failure details", () => {
  it("at debug level, the failure's code and details are logged as a JSON line before the one-line reason", async () => {
    const { code, stderr } = await run(["devnet", "--port", "99999", "--log-level", "debug"]);
    expect(code).toBe(2);
    const [detail, line] = stderr.split("\n");
    expect(JSON.parse(detail ?? "")).toMatchObject({
      level: "debug",
      component: "mzku",
      message: "Command failed",
      code: "BAD_PORT",
    });
    expect(line).toBe("mzku: BAD_PORT: --port must be 1-65535, got 99999");
  }, 30_000);
});

describe("takeLogLevelFlag", () => {
  it("takes the flag from anywhere and leaves the rest in order", () => {
    expect(takeLogLevelFlag(["devnet", "--log-level", "debug", "--port", "1"])).toEqual({
      level: "debug",
      rest: ["devnet", "--port", "1"],
    });
    expect(takeLogLevelFlag(["--log-level=warn", "devnet"])).toEqual({ level: "warn", rest: ["devnet"] });
    expect(takeLogLevelFlag(["devnet"])).toEqual({ level: undefined, rest: ["devnet"] });
    expect(() => takeLogLevelFlag(["devnet", "--log-level"])).toThrow(UsageError);
  });
});
