import { CodedError, UsageError } from "@mzku/errors";
import { describe, expect, it } from "vitest";
import { createLogger, resolveLogLevel, silentLogger } from "./index.js";

const at = new Date("2026-01-02T03:04:05.000Z");

function capture(level?: "debug" | "info" | "warn" | "error") {
  const lines: string[] = [];
  const log = createLogger({
    component: "test",
    write: (l) => lines.push(l),
    now: () => at,
    ...(level ? { level } : {}),
  });
  return { log, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe("createLogger", () => {
  it("writes one JSON object per line: time, level, component, message, then the fields", () => {
    const { log, lines } = capture();
    log.info("Cosigned attestation", { slot: 12, validatorIndex: 7 });
    expect(lines).toEqual([
      '{"time":"2026-01-02T03:04:05.000Z","level":"info","component":"test","message":"Cosigned attestation","slot":12,"validatorIndex":7}\n',
    ]);
  });

  it("drops lines below its level and reports it", () => {
    const { log, parsed } = capture("warn");
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    expect(parsed().map((l) => l.level)).toEqual(["warn", "error"]);
    expect(log.isEnabled("info")).toBe(false);
    expect(log.isEnabled("error")).toBe(true);
  });

  it("child loggers add fields and may set their component", () => {
    const { log, parsed } = capture();
    const child = log.child({ component: "combiner", pubkey: "0xab" });
    child.child({ slot: 3 }).info("Combined", { used: [1, 2] });
    log.info("Parent");
    expect(parsed()).toEqual([
      {
        time: at.toISOString(),
        level: "info",
        component: "combiner",
        message: "Combined",
        pubkey: "0xab",
        slot: 3,
        used: [1, 2],
      },
      { time: at.toISOString(), level: "info", component: "test", message: "Parent" },
    ]);
  });

  it("serializes bigint, bytes and errors; fields never overwrite the line's own keys", () => {
    const { log, parsed } = capture();
    log.error("Settle failed", {
      amount: 10n ** 20n,
      root: new Uint8Array([0, 255]),
      err: new CodedError("RPC_FAILED", "no answer", { details: { url: "http://127.0.0.1:1" } }),
      level: "spoofed",
      skipped: undefined,
    });
    expect(parsed()[0]).toEqual({
      time: at.toISOString(),
      level: "error",
      component: "test",
      message: "Settle failed",
      amount: "100000000000000000000",
      root: "0x00ff",
      err: { url: "http://127.0.0.1:1", code: "RPC_FAILED", error: "no answer" },
      "field.level": "spoofed",
    });
  });

  it("never writes a secret-named field, at any depth", () => {
    const { log, lines } = capture();
    log.child({ password: "hunter22" }).info("Loaded", {
      token: "abc",
      keystore: { privateKey: "0x11", secretShare: "0x22", path: "/k.json" },
      secret_key: "0x33",
      authorization: "Bearer x",
      shareIndex: 2,
    });
    const line = lines[0] ?? "";
    for (const secret of ["hunter22", '"abc"', "0x11", "0x22", "0x33", "Bearer x"]) expect(line).not.toContain(secret);
    expect(JSON.parse(line)).toMatchObject({ shareIndex: 2, keystore: { path: "/k.json", privateKey: "[redacted]" } });
  });

  it("the silent logger writes nothing", () => {
    expect(silentLogger.child({ a: 1 })).toBe(silentLogger);
    expect(silentLogger.isEnabled("error")).toBe(false);
  });
});

describe("resolveLogLevel", () => {
  it("takes the flag, then MZKU_LOG_LEVEL, then info", () => {
    expect(resolveLogLevel({ flag: "debug", env: { MZKU_LOG_LEVEL: "error" } })).toBe("debug");
    expect(resolveLogLevel({ env: { MZKU_LOG_LEVEL: "warn" } })).toBe("warn");
    expect(resolveLogLevel({ env: { MZKU_LOG_LEVEL: "" } })).toBe("info");
    expect(resolveLogLevel()).toBe("info");
  });

  it("rejects an unknown level as bad input", () => {
    expect(() => resolveLogLevel({ flag: "loud" })).toThrow(UsageError);
    expect(() => resolveLogLevel({ env: { MZKU_LOG_LEVEL: "trace" } })).toThrow(/MZKU_LOG_LEVEL must be one of/);
  });
});
