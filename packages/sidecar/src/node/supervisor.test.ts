import { silentLogger } from "@mzku/log";
import { describe, expect, it } from "vitest";
import { NodeSupervisor } from "./supervisor.js";

const until = async (check: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return check();
};

describe("node supervisor", () => {
  it("restarts a node that dies, with backoff, and stops it for good on stop()", async () => {
    let restarts = 0;
    const s = new NodeSupervisor(
      {
        command: [process.execPath, "-e", "console.log('node up'); setTimeout(() => process.exit(3), 200)"],
        minMs: 100,
        maxMs: 400,
        onRestart: () => restarts++,
      },
      silentLogger,
    );
    s.start();
    expect(await until(() => restarts >= 2, 15_000)).toBe(true);
    expect(s.recentOutput()).toContain("node up");
    await s.stop();
    const after = restarts;
    await new Promise((r) => setTimeout(r, 800));
    expect(restarts).toBe(after);
    expect(s.pid).toBeUndefined();
  });
});
