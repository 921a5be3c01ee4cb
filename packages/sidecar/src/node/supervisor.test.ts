import { silentLogger } from "@mzku/log";
import { waitFor } from "@mzku/signer/testing";
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
    await waitFor("two restarts", async () => restarts >= 2, 15_000, 50);
    expect(s.recentOutput()).toContain("node up");
    await s.stop();
    const after = restarts;
    await new Promise((r) => setTimeout(r, 800));
    expect(restarts).toBe(after);
    expect(s.pid).toBeUndefined();
  });
});
