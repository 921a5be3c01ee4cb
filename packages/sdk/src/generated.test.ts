import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const pkg = join(import.meta.dirname, "..");
const src = join(pkg, "src");
/** What scripts/generate.mjs writes under src/. */
const GENERATED = ["abis.ts", "enums.ts", "actions", "proposals"];
const fresh = mkdtempSync(join(tmpdir(), "sdk-generated-"));
afterAll(() => rmSync(fresh, { recursive: true, force: true }));

function files(root: string): string[] {
  return GENERATED.flatMap((entry) => {
    const walk = (path: string): string[] => {
      try {
        return readdirSync(path, { withFileTypes: true }).flatMap((e) =>
          e.isDirectory() ? walk(join(path, e.name)) : [relative(root, join(path, e.name))],
        );
      } catch {
        return [relative(root, path)]; // a file, not a folder
      }
    };
    return walk(join(root, entry));
  }).sort();
}

describe("generated code", () => {
  it("src/ holds exactly what the generator makes from the current contracts build (run npm run generate -w @mzku/sdk)", () => {
    execFileSync(process.execPath, [join(pkg, "scripts", "generate.mjs"), "--out", fresh], { stdio: "pipe" });
    const expected = files(fresh);
    expect(expected.length).toBeGreaterThan(100);
    expect(files(src), "generated files present").toEqual(expected);
    const differing = expected.filter(
      (f) => readFileSync(join(src, f), "utf8") !== readFileSync(join(fresh, f), "utf8"),
    );
    expect(differing, "generated files that differ from a fresh generation").toEqual([]);
  });

  it("generates the same bytes twice (nothing depends on time or order of the file system)", () => {
    const again = mkdtempSync(join(tmpdir(), "sdk-generated-"));
    try {
      execFileSync(process.execPath, [join(pkg, "scripts", "generate.mjs"), "--out", again], { stdio: "pipe" });
      for (const f of files(fresh)) {
        expect(readFileSync(join(again, f), "utf8"), f).toBe(readFileSync(join(fresh, f), "utf8"));
      }
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });
});
