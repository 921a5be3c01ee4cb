import { silentLogger } from "@mzku/log";
import { describe, expect, it } from "vitest";
import { NodeSupervisor } from "./supervisor.js";

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
    await new Promise((r) => setTimeout(r, 1_500));
    expect(restarts).toBeGreaterThanOrEqual(2);
    expect(s.recentOutput()).toContain("node up");
    await s.stop();
    const after = restarts;
    await new Promise((r) => setTimeout(r, 800));
    expect(restarts).toBe(after);
    expect(s.pid).toBeUndefined();
  });
});
