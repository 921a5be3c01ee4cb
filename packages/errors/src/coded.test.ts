import { describe, expect, it } from "vitest";
import { CodedError, cliFailure, errorCode, errorFields, errorMessage, isCodedError, UsageError } from "./index.js";

class PoolError extends CodedError<"POOL_FULL" | "POOL_CLOSED"> {
  override name = "PoolError";
}

describe("CodedError", () => {
  it("keeps code, short message, details and cause", () => {
    const cause = new Error("socket closed");
    const e = new PoolError("POOL_FULL", "pool 3 is full", { details: { poolId: "3" }, cause });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("PoolError");
    expect(e.code).toBe("POOL_FULL");
    expect(e.message).toBe("pool 3 is full");
    expect(e.shortMessage).toBe("pool 3 is full");
    expect(e.details).toEqual({ poolId: "3" });
    expect(e.cause).toBe(cause);
    expect(e.walk()).toBe(cause);
    expect(e.walk((x) => x instanceof PoolError)).toBe(e);
    expect(isCodedError(e, "POOL_FULL")).toBe(true);
    expect(isCodedError(e, "POOL_CLOSED")).toBe(false);
  });

  it("has empty details and no cause by default", () => {
    const e = new CodedError("X", "x");
    expect(e.details).toEqual({});
    expect("cause" in e).toBe(false);
  });

  it("turns any thrown value into a code, a line and log fields", () => {
    expect(errorCode(new Error("boom"))).toBe("INTERNAL");
    expect(errorCode("boom")).toBe("INTERNAL");
    expect(errorCode(Object.assign(new Error("x"), { code: "ENOENT" }))).toBe("ENOENT");
    expect(errorMessage(new Error("first\nsecond"))).toBe("first");
    expect(errorFields(new PoolError("POOL_CLOSED", "closed", { details: { poolId: "9", code: "spoofed" } }))).toEqual({
      poolId: "9",
      code: "POOL_CLOSED",
      error: "closed",
    });
  });
});

describe("cliFailure", () => {
  it("exits 2 with the code for bad input", () => {
    expect(cliFailure("mzku", new UsageError("BAD_PORT", "--port must be 1-65535"))).toEqual({
      line: "mzku: BAD_PORT: --port must be 1-65535\n",
      exitCode: 2,
    });
  });

  it("exits 2 with USAGE for a flag parseArgs rejected", () => {
    const e = Object.assign(new TypeError("Unknown option '--nope'"), { code: "ERR_PARSE_ARGS_UNKNOWN_OPTION" });
    expect(cliFailure("mzku-signer", e)).toEqual({
      line: "mzku-signer: USAGE: Unknown option '--nope'\n",
      exitCode: 2,
    });
  });

  it("exits 1 for every other failure", () => {
    expect(cliFailure("mzku", new CodedError("RPC_FAILED", "no answer"))).toEqual({
      line: "mzku: RPC_FAILED: no answer\n",
      exitCode: 1,
    });
    expect(cliFailure("mzku", new Error("oops\nstack"))).toEqual({ line: "mzku: INTERNAL: oops\n", exitCode: 1 });
  });
});
