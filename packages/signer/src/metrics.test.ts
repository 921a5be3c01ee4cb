import { describe, expect, it } from "vitest";
import { createSignerMetrics, startMetricsServer } from "./metrics.js";

describe("signer metrics", () => {
  it("serves signer_-prefixed metrics with unit suffixes on 127.0.0.1", async () => {
    const m = createSignerMetrics();
    m.signRequests.inc({ role: "combiner", type: "ATTESTATION", outcome: "ok" });
    m.signDuration.observe({ role: "combiner", type: "ATTESTATION" }, 0.012);
    const s = await startMetricsServer(m.registry, { port: 0 });
    try {
      expect(s.server.address()).toMatchObject({ address: "127.0.0.1" });
      const text = await (await fetch(`http://127.0.0.1:${s.port}/metrics`)).text();
      expect(text).toMatch(/signer_sign_requests_total\{role="combiner",type="ATTESTATION",outcome="ok"\} 1/);
      expect(text).toMatch(/signer_sign_duration_seconds_bucket/);
      const names = [...text.matchAll(/^# TYPE (\S+) /gm)].map((x) => x[1] ?? "");
      expect(names.length).toBeGreaterThan(4);
      for (const n of names) expect(n, n).toMatch(/^signer_.*_(total|seconds|count)$/);
      expect((await fetch(`http://127.0.0.1:${s.port}/nope`)).status).toBe(404);
    } finally {
      await s.close();
    }
  });
});
