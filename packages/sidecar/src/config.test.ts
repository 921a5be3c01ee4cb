import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.js";

const KEY = `0x${"11".repeat(32)}`;

describe("sidecar config", () => {
  const dir = mkdtempSync(join(tmpdir(), "sidecar-config-"));
  writeFileSync(join(dir, "key"), KEY);
  const file = join(dir, "sidecar.json");
  writeFileSync(
    file,
    JSON.stringify({
      rpcUrl: "http://127.0.0.1:8545",
      deployment: "deployment.json",
      keyFile: "key",
      dataDir: "data",
      node: { url: "http://127.0.0.1:9545", command: ["anvil"] },
      httpPort: 9000,
    }),
  );

  it("file < environment < flags, paths relative to the file", () => {
    const c = loadConfig(
      { config: file, httpPort: "9002" },
      { MZKU_SIDECAR_HTTP_PORT: "9001", MZKU_SIDECAR_NODE_KIND: "beacon" },
    );
    expect(c.httpPort).toBe(9002);
    expect(c.node.kind).toBe("beacon");
    expect(c.deploymentFile).toBe(join(dir, "deployment.json"));
    expect(c.dataDir).toBe(join(dir, "data"));
    expect(c.privateKey).toBe(KEY);
    expect(c.node.publicUrl).toBe("http://127.0.0.1:9545");
    expect(loadConfig({ config: file }, { MZKU_SIDECAR_HTTP_PORT: "9001" }).httpPort).toBe(9001);
  });

  it("names the bad key", () => {
    expect(() => loadConfig({ config: file, httpPort: "70000" }, {})).toThrow(/httpPort: must be an integer/);
    expect(() => loadConfig({ config: file, nodeKind: "geth" }, {})).toThrow(/node.kind/);
    expect(() => loadConfig({ config: file }, { MZKU_SIDECAR_PRIVATE_KEY: "0x12" })).toThrow(/32 bytes/);
    expect(() => loadConfig({}, {})).toThrow(/keyFile: the sidecar key is required/);
    expect(() => loadConfig({ config: join(dir, "missing.json") }, {})).toThrow(/cannot read/);
    const withCapacity = (capacity: unknown) => {
      const f = join(dir, "capacity.json");
      writeFileSync(
        f,
        JSON.stringify({ ...JSON.parse(readFileSync(file, "utf8")), node: { url: "http://x", capacity } }),
      );
      return loadConfig({ config: f }, {});
    };
    expect(withCapacity({ cpuCores: 8 }).node.capacity).toEqual({ cpuCores: 8 });
    expect(withCapacity({}).node.capacity).toEqual({});
    expect(() => withCapacity({ cpuCores: 0 })).toThrow(/node.capacity.cpuCores: must be an integer/);
    expect(() => withCapacity({ gpus: 1 })).toThrow(/node.capacity.gpus: unknown key/);
    expect(() => withCapacity("measured")).toThrow(/node.capacity: must be an object/);
  });
});
