import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

/** Production code must never split a whole key: only tests, the threshold re-export and the index `testing` namespace may reach the dealer. */
const SRC = join(import.meta.dirname, "..");
const ALLOWED = new Set(["bls/threshold.ts", "bls/dealer.ts", "index.ts"]);

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

describe("test-only dealer", () => {
  it("is not used by any production module", () => {
    const offenders = walk(SRC)
      .filter((p) => p.endsWith(".ts") && !p.endsWith(".test.ts") && !p.includes("/testing/"))
      .map((p) => relative(SRC, p))
      .filter((rel) => !ALLOWED.has(rel))
      .filter((rel) => /\bsplitSecret\b|dealer\.js/.test(readFileSync(join(SRC, rel), "utf8")));
    expect(offenders).toEqual([]);
  });
});
