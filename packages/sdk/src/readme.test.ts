import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const pkg = join(import.meta.dirname, "..");
const tsc = join(pkg, "..", "..", "node_modules", "typescript", "bin", "tsc");

/** The README's ```ts blocks, each after an `<!-- example: name -->` line. */
function examples(): { name: string; code: string }[] {
  const readme = readFileSync(join(pkg, "README.md"), "utf8");
  return [...readme.matchAll(/<!-- example: ([\w-]+) -->\n```ts\n([\s\S]*?)```/g)].map((m) => ({
    name: m[1] ?? "",
    code: m[2] ?? "",
  }));
}

describe("README", () => {
  it("every example type-checks against @mzku/sdk as built (strict)", () => {
    const blocks = examples();
    expect(blocks.map((b) => b.name)).toEqual([
      "read-write",
      "enums",
      "created",
      "validator",
      "proposals",
      "roles",
      "devnet-pool",
      "events",
    ]);
    // Inside the package, so `@mzku/sdk` and `viem` resolve as they would for a user.
    const dir = mkdtempSync(join(pkg, ".readme-"));
    try {
      for (const b of blocks) writeFileSync(join(dir, `${b.name}.ts`), b.code);
      writeFileSync(
        join(dir, "tsconfig.json"),
        JSON.stringify({
          extends: "../../../tsconfig.base.json",
          compilerOptions: { noEmit: true, types: [] },
          include: ["*.ts"],
        }),
      );
      execFileSync(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")], { stdio: "pipe" });
    } catch (error) {
      const out = (error as { stdout?: Buffer }).stdout?.toString() ?? String(error);
      throw new Error(`README examples do not compile:\n${out}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
