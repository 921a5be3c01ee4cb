import { builtinModules } from "node:module";
import { join } from "node:path";
import { rolldown } from "rolldown";
import { describe, expect, it } from "vitest";

const dist = join(import.meta.dirname, "..", "dist");
const builtins = new Set(builtinModules);

/** Native addons: Node-only like the built-ins (blst's `.node` binary cannot be bundled at all). */
const NATIVE = ["@chainsafe/blst"];

/** Bundles `entry` for the browser and returns the Node built-ins and native addons it reached (and the bundle's size). */
async function bundleForBrowser(entry: string): Promise<{ nodeImports: string[]; bytes: number }> {
  const nodeImports = new Set<string>();
  const bundle = await rolldown({
    input: join(dist, entry),
    platform: "browser",
    logLevel: "silent",
    plugins: [
      {
        name: "flag-node-builtins",
        resolveId(source: string) {
          if (
            source.startsWith("node:") ||
            builtins.has(source) ||
            builtins.has(source.split("/")[0] ?? "") ||
            NATIVE.includes(source)
          ) {
            nodeImports.add(source);
            return { id: source, external: true };
          }
          return null;
        },
      },
    ],
  });
  try {
    const { output } = await bundle.generate({ format: "esm" });
    const bytes = output.reduce((n, chunk) => n + ("code" in chunk ? chunk.code.length : 0), 0);
    return { nodeImports: [...nodeImports].sort(), bytes };
  } finally {
    await bundle.close();
  }
}

describe("browser bundle", () => {
  it("the root entry (@mzku/sdk) bundles for the browser without any Node built-in", async () => {
    const { nodeImports, bytes } = await bundleForBrowser("index.js");
    expect(nodeImports).toEqual([]);
    expect(bytes).toBeGreaterThan(100_000); // the ABIs and actions are in it
  }, 120_000);

  it("the Node-only subpaths are where the built-ins are (the check sees them)", async () => {
    const node = (await bundleForBrowser("node/index.js")).nodeImports;
    expect(node).toContain("node:fs");
    expect(node).toContain("@chainsafe/blst");
    expect((await bundleForBrowser("devnet/index.js")).nodeImports).toContain("node:child_process");
  }, 120_000);
});
